#pragma once
// The gateway's network runtime: one io_context served by a thread per core, listeners that
// accept connections (each connection a coroutine on its own strand), orderly shutdown on
// SIGTERM/SIGINT (stop accepting, let in-flight requests finish, bounded by a grace period, then
// stop), and reload on SIGHUP (callbacks replace TLS contexts; see tls_context_slot).
//
// A TLS connection keeps the context it was accepted with. When the listener's context has been
// replaced since, each further request first re-verifies the client's certificate against the
// current context (tls_revocation.hpp): a certificate revoked meanwhile stops counting as a
// certificate (the handler then answers as for none), without dropping the connection. Failed
// accepts (out of file descriptors) back off (accept_backoff.hpp) and are counted.
//
// Asio stays out of this header (pimpl); listener set-up happens before run(), from one thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "gateway/net/mllp_limits.hpp"
#include "gateway/net/session_limits.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace gateway::telemetry {
class metrics;
}

namespace gateway::net {

class http_handler;
class mllp_handler;
class tls_context_slot;

struct listener_spec {
  std::string name;  // "https", "ops": used in metrics and logs
  std::string address;
  std::uint16_t port = 0;                 // 0 = any free port
  std::shared_ptr<tls_context_slot> tls;  // null: plain HTTP
  http_handler* handler = nullptr;        // must outlive the server
  // An MLLP listener (HL7 v2, mllp_session.hpp) instead of HTTP: set `mllp` (and leave
  // `handler` null). Same accept loop, TLS handshake, connection limit and shutdown drain.
  mllp_handler* mllp = nullptr;  // must outlive the server
  mllp_limits mllp_bounds;
};

struct server_options {
  unsigned io_threads = 0;  // 0 = std::thread::hardware_concurrency()
  session_limits limits;
  std::size_t max_connections = 10'000;
  std::chrono::milliseconds shutdown_grace{10'000};
  bool handle_signals = true;
};

class server {
 public:
  server(server_options options, telemetry::metrics& metrics);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens now. Returns the bound port, or a message saying why it failed.
  std::variant<std::uint16_t, std::string> add_listener(listener_spec spec);

  // Runs until shutdown completes. Call once, from the main thread.
  void run();

  // Starts an orderly shutdown (thread-safe; also what SIGTERM/SIGINT do).
  void stop();

  // Called (on an I/O thread) once shutdown has begun, before draining: components that own
  // background work (dispatchers, timers) stop here.
  void on_shutdown(std::function<void()> callback);

  // Called (on an I/O thread) at each SIGHUP (with handle_signals): components re-read
  // certificates and CRLs here. Register before run().
  void on_reload(std::function<void()> callback);

  boost::asio::io_context& io();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gateway::net
