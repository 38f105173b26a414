// Listening sockets from HOST/PORT-style settings.
#include "net/listen_socket.hpp"

#include <stdexcept>

namespace taskcore::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

tcp::endpoint listen_on(tcp::acceptor& acceptor, const std::string& host, unsigned short port,
                        const std::string& host_variable, const std::string& port_variable) {
    const auto ip = host == "localhost" ? std::string("127.0.0.1") : host;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(ip, ec);
    if (ec) throw std::runtime_error(host_variable + ": '" + host + "' is not an IP address");
    const tcp::endpoint endpoint{address, port};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint, ec);
    if (ec) {
        throw std::runtime_error(port_variable + ": cannot listen on " + ip + ":" +
                                 std::to_string(port) + ": " + ec.message());
    }
    acceptor.listen(asio::socket_base::max_listen_connections);
    return acceptor.local_endpoint();
}

}  // namespace taskcore::server
