#pragma once
// An MLLP listener (HL7 v2 over TCP, optionally TLS) on the server's io_context: accept, TLS
// handshake with the same client-certificate verification as HTTPS, then run_mllp_session on the
// connection's strand. Connections count toward the server's max_connections, messages being
// handled hold its shutdown drain, and the acceptor closes when shutdown begins.
//
// Asio stays out of this header; call before server::run(), from the thread that set it up.
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "gateway/net/mllp_session.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gateway::net {

class server;

struct mllp_listener_spec {
  std::string name = "mllp";  // in logs and metrics
  std::string address;
  std::uint16_t port = 0;                          // 0 = any free port
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain TCP (senders identified by MSH-4 + address)
  mllp_handler* handler = nullptr;                 // must outlive the server
  mllp_limits limits;
};

// Binds and listens now. Returns the bound port, or a message saying why it failed.
std::variant<std::uint16_t, std::string> add_mllp_listener(server& srv, mllp_listener_spec spec);

}  // namespace gateway::net
