// EventStream: the SSE framing (id/event/data, heartbeats, retry) over chunked HTTP/1.1, fed
// from the change log after each wake-up.
#include "events/event_stream.hpp"

#include <cstdio>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/write.hpp>

#include "taskcore/domain/errors.hpp"
#include "taskcore/json/codec.hpp"

namespace taskcore::server {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// A write that does not finish within this (the client stopped reading) closes the stream; it
// reconnects with Last-Event-ID and reads the rest from the log.
constexpr std::chrono::seconds kWriteDeadline{30};
// The client's reconnection delay (the SSE retry field), in milliseconds.
constexpr const char* kRetryMs = "3000";
// Entries read from the log per round trip.
constexpr int kLogBatch = 200;

// One HTTP/1.1 chunk carrying `payload`.
std::string chunk(const std::string& payload) {
    char size[20];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
    std::string out(size, static_cast<std::size_t>(n));
    out += payload;
    out += "\r\n";
    return out;
}

}  // namespace

EventStream::EventStream(beast::tcp_stream stream, Response head, StreamStart start,
                         AsyncServices& services, EventHub& hub, std::chrono::seconds heartbeat)
    : stream_(std::move(stream)),
      head_(std::move(head)),
      start_(std::move(start)),
      services_(services),
      hub_(hub),
      heartbeat_(heartbeat),
      wait_(stream_.get_executor()),
      deadline_(stream_.get_executor()),
      after_(start_.after) {}

void EventStream::start() {
    start_.slot->attach(shared_from_this());
    asio::co_spawn(
        stream_.get_executor(),
        [self = shared_from_this()]() -> asio::awaitable<void> { co_await self->run(); },
        asio::detached);
}

void EventStream::wake() {
    asio::post(stream_.get_executor(), [weak = weak_from_this()] {
        if (auto self = weak.lock()) {
            self->pending_ = true;
            self->wait_.cancel();
        }
    });
}

asio::awaitable<void> EventStream::run() {
    try {
        beast::http::response<beast::http::empty_body> head{std::move(head_.base())};
        head.chunked(true);
        beast::http::response_serializer<beast::http::empty_body> serializer{head};
        stream_.expires_after(kWriteDeadline);
        co_await beast::http::async_write_header(stream_, serializer, asio::use_awaitable);
        stream_.expires_never();
        watch_for_close();
        std::string first = std::string("retry: ") + kRetryMs + "\n\n";
        if (!start_.resumed)
            first += "event: ready\ndata: {\"seq\":" + std::to_string(after_) + "}\n\n";
        co_await send(std::move(first));
        while (!closed_ && !hub_.stopping()) {
            const auto now = std::chrono::system_clock::now();
            if (now >= start_.expires_at) {
                co_await send("event: token-expired\ndata: {}\n\n");
                break;
            }
            pending_ = false;
            if (!co_await drain_log()) break;
            if (pending_ || closed_) continue;
            const auto until_expiry =
                std::chrono::duration_cast<std::chrono::milliseconds>(start_.expires_at - now);
            const bool heartbeat_first = until_expiry > heartbeat_;
            wait_.expires_after(heartbeat_first ? std::chrono::milliseconds(heartbeat_)
                                                : until_expiry);
            const auto [ec] = co_await wait_.async_wait(asio::as_tuple(asio::use_awaitable));
            // Timer ran out (not a wake-up): a comment line keeps proxies and idle timers from
            // closing the stream.
            if (!ec && heartbeat_first && !closed_ && !hub_.stopping()) {
                co_await send(": heartbeat\n\n");
            }
        }
        if (!closed_) {
            static const std::string last = "0\r\n\r\n";  // the end of the chunked body
            co_await asio::async_write(stream_.socket(), asio::buffer(last), asio::use_awaitable);
        }
    } catch (const std::exception&) {
        // A failed write (client gone, deadline passed): the stream just ends.
    }
    close();
}

asio::awaitable<bool> EventStream::drain_log() {
    for (;;) {
        ChangePage page;
        std::optional<std::int64_t> resync_from;  // co_await is not allowed in a handler
        try {
            page = co_await services_.changes_after(start_.slot->user(), {after_, kLogBatch});
        } catch (const ResyncRequiredError& e) {
            resync_from = e.latest_seq();
        } catch (const StorageUnavailableError&) {
            co_return true;  // read again at the next wake-up or heartbeat
        }
        if (resync_from) {
            co_await send("event: resync-required\ndata: {\"latest_seq\":" +
                          std::to_string(*resync_from) + "}\n\n");
            co_return false;
        }
        if (page.changes.empty()) co_return true;
        std::string out;
        for (const auto& c : page.changes) {
            out += "id: " + std::to_string(c.seq) + "\nevent: " + json::change_event_name(c) +
                   "\ndata: ";
            json::append_json(out, c);
            out += "\n\n";
        }
        after_ = page.changes.back().seq;
        co_await send(std::move(out));
        if (!page.has_more) co_return true;
    }
}

asio::awaitable<void> EventStream::send(std::string events) {
    const auto framed = chunk(events);
    deadline_.expires_after(kWriteDeadline);
    deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec) return;  // the write finished first
        if (auto self = weak.lock()) self->close();
    });
    co_await asio::async_write(stream_.socket(), asio::buffer(framed), asio::use_awaitable);
    deadline_.cancel();
}

// The client sends nothing on a stream; a read completing means it closed (or broke) it.
void EventStream::watch_for_close() {
    stream_.socket().async_read_some(
        asio::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (!ec) return self->watch_for_close();
            self->closed_ = true;
            self->wait_.cancel();
        });
}

void EventStream::close() {
    closed_ = true;
    wait_.cancel();
    deadline_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
}

}  // namespace taskcore::server
