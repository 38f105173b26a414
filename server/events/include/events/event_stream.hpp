// One open Server-Sent Events stream: reads the user's change log from the client's position
// and writes each entry as an event (chunked HTTP/1.1), then waits for a wake-up from the hub,
// a heartbeat or the token's expiry. Backpressure is the log itself: nothing is queued in
// memory, a slow reader is only behind, and one that stops reading is closed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "events/event_hub.hpp"
#include "http/async_services.hpp"
#include "http/http_types.hpp"

namespace taskcore::server {

class EventStream final : public StreamWaker, public std::enable_shared_from_this<EventStream> {
  public:
    EventStream(boost::beast::tcp_stream stream, Response head, StreamStart start,
                AsyncServices& services, EventHub& hub, std::chrono::seconds heartbeat);
    // Writes the response header and runs the stream until it ends.
    void start();
    void wake() override;

  private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> drain_log();
    boost::asio::awaitable<void> send(std::string events);
    void watch_for_close();
    void close();

    boost::beast::tcp_stream stream_;
    Response head_;
    StreamStart start_;
    AsyncServices& services_;
    EventHub& hub_;
    std::chrono::seconds heartbeat_;
    boost::asio::steady_timer wait_;      // heartbeat/expiry, cancelled by a wake-up
    boost::asio::steady_timer deadline_;  // a write that does not finish in time closes
    std::int64_t after_ = 0;
    bool pending_ = false;  // a wake-up arrived while the log was being read
    bool closed_ = false;
    std::array<char, 512> discard_{};
};

}  // namespace taskcore::server
