// Opening a listening socket from configuration: one rule for the public port and the metrics
// listener (host as an IP address, "localhost" meaning 127.0.0.1, errors naming the variables).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace taskcore::server {

// Binds `acceptor` to `host`:`port` (0: a free port) with SO_REUSEADDR and listens; returns the
// bound endpoint. Throws std::runtime_error naming `host_variable` / `port_variable`.
boost::asio::ip::tcp::endpoint listen_on(boost::asio::ip::tcp::acceptor& acceptor,
                                         const std::string& host, unsigned short port,
                                         const std::string& host_variable,
                                         const std::string& port_variable);

}  // namespace taskcore::server
