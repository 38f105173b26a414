// A second, private listener that serves only GET /metrics (METRICS_HOST/METRICS_PORT), so the
// scrape endpoint need not be reachable on the public port.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <string>

namespace taskcore::server {

class MetricsListener {
  public:
    // `render` builds the document per scrape; it runs on `io`'s thread.
    MetricsListener(boost::asio::io_context& io, std::function<std::string()> render);

    // Binds `host`:`port` (0: a free port) and starts accepting; returns the bound endpoint.
    boost::asio::ip::tcp::endpoint start(const std::string& host, unsigned short port);
    void stop();

  private:
    boost::asio::io_context& io_;
    std::function<std::string()> render_;
    boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace taskcore::server
