// UUIDv7 generation and canonical UUID parsing.
#include "taskcore/domain/uuid.hpp"

#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace taskcore {
namespace {

// Bumped in a forked child, so no two processes ever hand out the same buffered bytes.
std::atomic<unsigned> fork_generation{0};

void on_fork_child() {
    fork_generation.fetch_add(1, std::memory_order_relaxed);
}

// CSPRNG bytes drawn 4 KiB at a time per thread: OpenSSL's RAND_bytes checks for a fork with a
// getpid() system call on every call, which was one syscall per request (every response gets a
// request id) for 16 bytes. One draw now serves 256 ids.
void random_bytes(std::uint8_t* out, std::size_t n) {
    struct Pool {
        std::array<std::uint8_t, 4096> bytes{};
        std::size_t used = 4096;
        unsigned generation = 0;
    };
    static const int registered = pthread_atfork(nullptr, nullptr, on_fork_child);
    (void)registered;
    thread_local Pool pool;
    const unsigned generation = fork_generation.load(std::memory_order_relaxed);
    if (pool.generation != generation || pool.used + n > pool.bytes.size()) {
        if (RAND_bytes(pool.bytes.data(), static_cast<int>(pool.bytes.size())) != 1)
            throw std::runtime_error("RAND_bytes failed: no CSPRNG available");
        pool.used = 0;
        pool.generation = generation;
    }
    std::memcpy(out, pool.bytes.data() + pool.used, n);
    std::memset(pool.bytes.data() + pool.used, 0, n);  // handed out once only
    pool.used += n;
}

// Hex digit values by character, -1 for anything else: every row read back parses its ids, so
// one table lookup per digit instead of three range tests.
constexpr std::array<std::int8_t, 256> kHexValues = [] {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    constexpr std::string_view kDigits = "0123456789abcdef";
    for (std::size_t v = 0; v < kDigits.size(); ++v) {
        const auto c = static_cast<unsigned char>(kDigits[v]);
        table[c] = static_cast<std::int8_t>(v);
        if (v >= 10) table[c - 'a' + 'A'] = static_cast<std::int8_t>(v);  // upper case too
    }
    return table;
}();

int hex_value(char c) {
    return kHexValues[static_cast<unsigned char>(c)];
}

// Per-process state making ids monotonic: RFC 9562 §6.2 method 1 (12-bit counter in rand_a).
struct V7State {
    std::mutex mutex;
    std::uint64_t last_ms = 0;
    std::uint16_t counter = 0;
};

}  // namespace

std::string Uuid::to_string() const {
    std::string out;
    append_to(out);
    return out;
}

void Uuid::append_to(std::string& out) const {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto start = out.size();
    out.resize(start + 36);
    char* p = out.data() + start;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
        *p++ = kHex[bytes[i] >> 4];
        *p++ = kHex[bytes[i] & 0x0F];
    }
}

Uuid generate_uuid_v7() {
    static V7State state;
    Uuid id;
    random_bytes(id.bytes.data(), id.bytes.size());

    const auto now =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    std::uint64_t ms = 0;
    std::uint16_t counter = 0;
    {
        std::lock_guard lock(state.mutex);
        if (now > state.last_ms) {
            state.last_ms = now;
            // Random start with the top bit clear leaves room for at least 2048 more ids.
            state.counter = static_cast<std::uint16_t>(((id.bytes[6] << 8) | id.bytes[7]) & 0x07FF);
        } else if (state.counter < 0x0FFF) {
            ++state.counter;  // same millisecond (or the clock stepped back): keep ordering
        } else {
            ++state.last_ms;  // counter exhausted: borrow the next millisecond
            state.counter = 0;
        }
        ms = state.last_ms;
        counter = state.counter;
    }
    for (int i = 0; i < 6; ++i) {
        id.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
    }
    id.bytes[6] = static_cast<std::uint8_t>(0x70 | (counter >> 8));
    id.bytes[7] = static_cast<std::uint8_t>(counter & 0xFF);
    id.bytes[8] = static_cast<std::uint8_t>(0x80 | (id.bytes[8] & 0x3F));
    return id;
}

std::optional<Uuid> parse_uuid(std::string_view text) {
    if (text.size() != 36) return std::nullopt;
    Uuid id;
    std::size_t byte = 0;
    for (std::size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return std::nullopt;
            ++i;
            continue;
        }
        const int hi = hex_value(text[i]);
        const int lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        id.bytes[byte++] = static_cast<std::uint8_t>((hi << 4) | lo);
        i += 2;
    }
    return id;
}

}  // namespace taskcore
