#pragma once
// The simulator's HTTPS listener: gateway_net's server TLS context (client certificates required
// and verified against --client-ca) and its HTTP session (limits, keep-alive), under an accept
// loop of its own so that --close-mid-request can drop a connection after reading a request's
// headers and before answering, which a handler behind net::server cannot do.
//
// --close-mid-request N: the first N requests for the message path (counted over all
// connections) are read up to the end of their headers and the connection is then closed without
// an answer; -1 does so always. Only a connection's first request is considered (a closed
// connection has no second one); a connection whose first request is served normally (for
// example GET /stats, or a message once the N are spent) stays normal, keep-alive, for good.
//
// Single-threaded: run() serves everything on the calling thread until SIGINT/SIGTERM.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "gateway/net/http_handler.hpp"
#include "gateway/net/session_limits.hpp"
#include "tools/referrer-sim/sim_handler.hpp"

namespace rg::referrer_sim {

struct listener_settings {
  std::string address;
  std::uint16_t port = 0;
  unsigned listeners = 1;  // ports opened (several: port must be 0)
  std::string cert, key, client_ca;
  gateway::net::session_limits limits;
  std::int64_t close_mid_request = 0;
  std::string message_path;
};

class sim_listener {
 public:
  sim_listener(listener_settings settings, gateway::net::http_handler& handler, sim_counters& counters);
  ~sim_listener();

  // Loads TLS files, binds, listens and takes over SIGINT/SIGTERM (so a signal that arrives after
  // the port is announced stops run() cleanly). Returns the bound ports (settings.listeners of
  // them: one referrer endpoint each, all served alike) or why it failed.
  std::variant<std::vector<std::uint16_t>, std::string> open();

  // Serves until SIGINT or SIGTERM.
  void run();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rg::referrer_sim
