// Keyset cursors (list_cursor.hpp): a binary record, a check value, URL-safe base64.
#include "taskcore/service/list_cursor.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "taskcore/auth/base64url.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore {
namespace {

// Bumped when the record changes; older cursors then no longer decode (the client restarts the
// list, which is what a 422 on a cursor tells it).
constexpr std::uint8_t kFormat = 1;
constexpr std::size_t kCheckBytes = 8;
enum class ListKind : std::uint8_t { tasks = 't', conversations = 'c', messages = 'm' };

std::array<std::uint8_t, kCheckBytes> check_value(std::string_view record) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned size = 0;
    if (EVP_Digest(record.data(), record.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    std::array<std::uint8_t, kCheckBytes> out{};
    for (std::size_t i = 0; i < kCheckBytes; ++i) out[i] = digest[i];
    return out;
}

class Writer {
  public:
    explicit Writer(ListKind kind) {
        byte(kFormat);
        byte(static_cast<std::uint8_t>(kind));
    }
    void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }
    void number(std::int64_t n) {
        const auto u = static_cast<std::uint64_t>(n);
        for (int shift = 56; shift >= 0; shift -= 8) byte(static_cast<std::uint8_t>(u >> shift));
    }
    void text(std::string_view s) {
        // 32-bit lengths: a library caller's filter text may be longer than any URL allows.
        const auto size = static_cast<std::uint32_t>(s.size());
        for (int shift = 24; shift >= 0; shift -= 8) byte(static_cast<std::uint8_t>(size >> shift));
        out_ += s;
    }
    void optional_text(const std::optional<std::string>& s) {
        byte(s ? 1 : 0);
        if (s) text(*s);
    }
    void id(const Uuid& u) {
        for (const auto b : u.bytes) byte(b);
    }
    std::string finish() {
        for (const auto b : check_value(out_)) byte(b);
        return base64url_encode(out_);
    }

  private:
    std::string out_;
};

// Reads a record whose check value holds; every read past the end or out of range fails it.
class Reader {
  public:
    Reader(std::string_view cursor, ListKind kind) {
        auto bytes = base64url_decode(cursor);
        if (!bytes || bytes->size() < 2 + kCheckBytes) return;
        const std::string_view record(bytes->data(), bytes->size() - kCheckBytes);
        const auto expected = check_value(record);
        for (std::size_t i = 0; i < kCheckBytes; ++i) {
            if (static_cast<std::uint8_t>((*bytes)[record.size() + i]) != expected[i]) return;
        }
        in_ = std::string(record);
        ok_ = byte() == kFormat && byte() == static_cast<std::uint8_t>(kind);
    }

    std::uint8_t byte() {
        if (pos_ >= in_.size()) {
            ok_ = false;
            return 0;
        }
        return static_cast<std::uint8_t>(in_[pos_++]);
    }
    std::int64_t number() {
        std::uint64_t u = 0;
        for (int i = 0; i < 8; ++i) u = (u << 8) | byte();
        return static_cast<std::int64_t>(u);
    }
    Timestamp time() {
        const auto t = from_unix_ms(number());
        if (!is_rfc3339_year(t)) ok_ = false;
        return t;
    }
    // Text goes back into SQL parameters: valid UTF-8 without U+0000, as the API's own input.
    std::string text() {
        std::size_t size = 0;
        for (int i = 0; i < 4; ++i) size = (size << 8) | byte();
        if (!ok_ || in_.size() - pos_ < size) {
            ok_ = false;
            return {};
        }
        std::string s = in_.substr(pos_, size);
        pos_ += size;
        if (!is_valid_utf8(s) || s.find('\0') != std::string::npos) ok_ = false;
        return s;
    }
    std::optional<std::string> optional_text() {
        if (byte() == 0) return std::nullopt;
        return text();
    }
    Uuid id() {
        Uuid u;
        if (!ok_ || in_.size() - pos_ < u.bytes.size()) {
            ok_ = false;
            return u;
        }
        std::memcpy(u.bytes.data(), in_.data() + pos_, u.bytes.size());
        pos_ += u.bytes.size();
        return u;
    }
    void fail() { ok_ = false; }
    // True when everything read was in range and nothing is left over.
    [[nodiscard]] bool done() const { return ok_ && pos_ == in_.size(); }

  private:
    std::string in_;
    std::size_t pos_ = 0;
    bool ok_ = false;
};

std::uint8_t status_code(StatusFilter s) {
    switch (s) {
        case StatusFilter::pending:
            return 1;
        case StatusFilter::completed:
            return 2;
        case StatusFilter::all:
            break;
    }
    return 0;
}

}  // namespace

TaskPosition task_position(const TaskListQuery& query, const Task& last) {
    TaskPosition p;
    p.id = last.id;
    switch (query.sort) {
        case TaskSortKey::created_at:
            p.value = to_unix_ms(last.created_at);
            break;
        case TaskSortKey::updated_at:
            p.value = to_unix_ms(last.updated_at);
            break;
        case TaskSortKey::due_date:
            if (last.due_date) p.value = to_unix_ms(*last.due_date);
            break;
        case TaskSortKey::title:
            p.title = last.title;
            break;
        case TaskSortKey::priority:
            p.value = static_cast<std::int64_t>(last.priority);
            break;
    }
    return p;
}

std::optional<std::string> next_task_cursor(const TaskListQuery& q, const Page<Task>& page) {
    if (!page.has_more || page.items.empty()) return std::nullopt;
    const auto after = task_position(q, page.items.back());
    Writer w(ListKind::tasks);
    w.byte(status_code(q.status));
    w.byte(q.priority ? static_cast<std::uint8_t>(static_cast<int>(*q.priority) + 1) : 0);
    w.optional_text(q.tag);
    w.optional_text(q.text);
    w.byte(static_cast<std::uint8_t>(q.sort));
    w.byte(q.descending ? 1 : 0);
    w.byte(after.value ? 1 : 0);
    w.number(after.value.value_or(0));
    w.text(after.title);
    w.id(after.id);
    return w.finish();
}

std::optional<TaskListQuery> decode_task_cursor(std::string_view cursor) {
    Reader r(cursor, ListKind::tasks);
    TaskListQuery q;
    switch (r.byte()) {
        case 0:
            q.status = StatusFilter::all;
            break;
        case 1:
            q.status = StatusFilter::pending;
            break;
        case 2:
            q.status = StatusFilter::completed;
            break;
        default:
            r.fail();
    }
    if (const auto priority = r.byte(); priority > 3) {
        r.fail();
    } else if (priority > 0) {
        q.priority = static_cast<Priority>(priority - 1);
    }
    q.tag = r.optional_text();
    q.text = r.optional_text();
    if (const auto sort = r.byte(); sort < kTaskSortKeys.size()) {
        q.sort = kTaskSortKeys[sort];
    } else {
        r.fail();
    }
    const auto descending = r.byte();
    if (descending > 1) r.fail();
    q.descending = descending == 1;
    TaskPosition after;
    const auto has_value = r.byte();
    const auto value = r.number();
    after.title = r.text();
    after.id = r.id();
    // The sort key fixes which of value and title a position has; any other mix is made up.
    const bool shape_fits = q.sort == TaskSortKey::title      ? has_value == 0
                            : q.sort == TaskSortKey::due_date ? has_value <= 1
                                                              : has_value == 1;
    if (!shape_fits) r.fail();
    if (has_value == 1) after.value = value;
    if (q.sort == TaskSortKey::priority && (value < 0 || value > 2)) r.fail();
    if (q.sort != TaskSortKey::priority && after.value && !is_rfc3339_year(from_unix_ms(value)))
        r.fail();
    if (q.sort != TaskSortKey::title && !after.title.empty()) r.fail();
    if (!r.done()) return std::nullopt;
    q.after = std::move(after);
    return q;
}

std::optional<std::string> next_conversation_cursor(const Page<Conversation>& page) {
    if (!page.has_more || page.items.empty()) return std::nullopt;
    Writer w(ListKind::conversations);
    w.number(to_unix_ms(page.items.back().updated_at));
    w.id(page.items.back().id);
    return w.finish();
}

std::optional<KeysetPosition> decode_conversation_cursor(std::string_view cursor) {
    Reader r(cursor, ListKind::conversations);
    const auto at = r.time();
    const auto id = r.id();
    if (!r.done()) return std::nullopt;
    return KeysetPosition{at, id};
}

std::optional<std::string> next_message_cursor(const Uuid& conversation_id,
                                               const Page<Message>& page) {
    if (!page.has_more || page.items.empty()) return std::nullopt;
    Writer w(ListKind::messages);
    w.id(conversation_id);
    w.number(to_unix_ms(page.items.back().created_at));
    w.id(page.items.back().id);
    return w.finish();
}

std::optional<KeysetPosition> decode_message_cursor(std::string_view cursor,
                                                    const Uuid& conversation_id) {
    Reader r(cursor, ListKind::messages);
    const auto conversation = r.id();
    const auto at = r.time();
    const auto id = r.id();
    if (!r.done() || conversation != conversation_id) return std::nullopt;
    return KeysetPosition{at, id};
}

}  // namespace taskcore
