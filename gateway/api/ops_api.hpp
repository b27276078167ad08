#pragma once
// The operations listener (plain HTTP, loopback by default): /healthz (the process answers),
// /readyz (every readiness check passes), /metrics (Prometheus text format). Later components
// add readiness checks and operator routes here. Thread-safe once the server runs.
#include <functional>
#include <string>
#include <vector>

#include "gateway/net/http_handler.hpp"

namespace gateway::telemetry {
class metrics;
}

namespace gateway::api {

class ops_api final : public net::http_handler {
 public:
  explicit ops_api(telemetry::metrics& metrics);

  // A named check for /readyz: returns an empty string when ready, else why not.
  void add_readiness_check(std::string name, std::function<std::string()> check);

  boost::asio::awaitable<net::http_response> handle(net::http_request request,
                                                    net::request_context context) override;
  net::http_response fault_response(net::request_fault fault, const net::request_context& context) override;

 private:
  net::http_response answer(const net::http_request& request);

  telemetry::metrics& metrics_;
  std::vector<std::pair<std::string, std::function<std::string()>>> checks_;
};

}  // namespace gateway::api
