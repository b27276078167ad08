#pragma once
// The operations listener (plain HTTP, loopback only: configuration refuses another ops.address):
// /healthz (the process answers), /readyz (every readiness check passes), /metrics (Prometheus
// text format). Nothing here carries patient data or changes state; the operator routes that do
// are on the mutual-TLS listener under /ops (ops_gate.hpp). The Host header must name a loopback
// host or the configured address, so a web page cannot reach the listener by DNS rebinding.
// Thread-safe once the server runs.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/net/http_handler.hpp"

namespace gateway::telemetry {
class metrics;
}

namespace gateway::api {

class ops_api final : public net::http_handler {
 public:
  // `address`: the configured ops.address, accepted as a Host besides the loopback names.
  ops_api(telemetry::metrics& metrics, std::string address);

  // A named check for /readyz: returns an empty string when ready, else why not.
  void add_readiness_check(std::string name, std::function<std::string()> check);

  boost::asio::awaitable<net::http_response> handle(net::http_request request, net::request_context context) override;
  net::http_response fault_response(net::request_fault fault, const net::request_context& context) override;

 private:
  net::http_response answer(const net::http_request& request);

  telemetry::metrics& metrics_;
  std::string address_;
  std::vector<std::pair<std::string, std::function<std::string()>>> checks_;
};

// True when `host` (a Host header: name or address, optional port) names this loopback listener:
// localhost, 127.0.0.0/8, [::1], or `configured` (ops.address).
bool is_local_host_header(std::string_view host, std::string_view configured);

}  // namespace gateway::api
