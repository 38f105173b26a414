// SseFollower: plain blocking sockets (a killed peer ends a read with EOF at once), a receive
// timeout well above the heartbeat, and a parser that takes `id:` lines of complete events only.
#include "sse_follower.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <regex>

namespace taskcore::testing {
namespace {

int connect_loopback(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Longer than any heartbeat interval the tests use: silence this long means a dead peer.
    timeval timeout{60, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Moves the complete chunks at the front of `wire` (a chunked body) into `body`; false once the
// last chunk arrived. A proxy may cut chunks anywhere, also inside an event.
bool dechunk(std::string& wire, std::string& body) {
    for (;;) {
        const auto line_end = wire.find("\r\n");
        if (line_end == std::string::npos) return true;
        const auto size = std::stoul(wire.substr(0, line_end), nullptr, 16);
        if (size == 0) return false;
        if (wire.size() < line_end + 2 + size + 2) return true;
        body.append(wire, line_end + 2, size);
        wire.erase(0, line_end + 2 + size + 2);
    }
}

bool send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

SseFollower::SseFollower(std::function<unsigned short()> port, std::string user, std::string token,
                         std::int64_t since)
    : port_(std::move(port)), user_(std::move(user)), token_(std::move(token)), last_(since) {
    thread_ = std::thread([this] { run(); });
}

SseFollower::~SseFollower() {
    stopping_ = true;
    {
        const std::lock_guard lock(mutex_);
        if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
    }
    thread_.join();
}

std::vector<std::int64_t> SseFollower::seqs() const {
    const std::lock_guard lock(mutex_);
    return seqs_;
}

std::size_t SseFollower::count() const {
    const std::lock_guard lock(mutex_);
    return seqs_.size();
}

bool SseFollower::wait_for(std::int64_t seq, std::chrono::milliseconds within) const {
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        {
            const std::lock_guard lock(mutex_);
            for (const auto s : seqs_)
                if (s == seq) return true;
        }
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
}

bool SseFollower::wait_open(std::chrono::milliseconds within) const {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (!open_) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    return true;
}

void SseFollower::run() {
    while (!stopping_) {
        ++reconnects_;
        follow_once(port_());
        if (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
}

void SseFollower::follow_once(unsigned short port) {
    const int fd = connect_loopback(port);
    if (fd < 0) return;
    std::int64_t after = 0;
    {
        const std::lock_guard lock(mutex_);
        if (stopping_) {  // the destructor's shutdown came before this socket existed
            ::close(fd);
            return;
        }
        socket_ = fd;
        after = last_;
    }
    // Last-Event-ID, exactly as EventSource resumes (since= only positions the first request).
    const std::string request = "GET /api/" + user_ + "/events HTTP/1.1\r\nHost: x\r\n" +
                                "Authorization: Bearer " + token_ +
                                "\r\nLast-Event-ID: " + std::to_string(after) +
                                "\r\nAccept: text/event-stream\r\n\r\n";
    static const std::regex kId("id: ([0-9]+)\nevent: [a-z.]+\n");
    std::string wire;
    std::string body;
    bool in_body = false;
    std::size_t parsed = 0;
    if (send_all(fd, request)) {
        std::array<char, 8192> buffer{};
        for (;;) {
            const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n <= 0) break;
            wire.append(buffer.data(), static_cast<std::size_t>(n));
            if (!in_body) {
                const auto end = wire.find("\r\n\r\n");
                if (end == std::string::npos) continue;
                if (!wire.starts_with("HTTP/1.1 200")) break;
                wire.erase(0, end + 4);
                in_body = true;
                open_ = true;
            }
            const bool more = dechunk(wire, body);
            std::smatch m;
            auto from = body.cbegin() + static_cast<std::ptrdiff_t>(parsed);
            while (std::regex_search(from, body.cend(), m, kId)) {
                const std::lock_guard lock(mutex_);
                last_ = std::stoll(m[1]);
                seqs_.push_back(last_);
                from = m[0].second;
            }
            parsed = static_cast<std::size_t>(from - body.cbegin());
            if (!more) break;
        }
    }
    const std::lock_guard lock(mutex_);
    socket_ = -1;
    ::close(fd);
}

}  // namespace taskcore::testing
