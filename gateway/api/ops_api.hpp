#pragma once
// The operations listener (plain HTTP, loopback by default): /healthz (the process answers),
// /readyz (every readiness check passes), /metrics (Prometheus text format). Later components
// add readiness checks and operator routes here. Thread-safe once the server runs.
#include <boost/beast/http/verb.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/api/api_request.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::telemetry {
class metrics;
}

namespace gateway::api {

struct ops_request {
  const net::http_request& http;
  std::vector<std::string> path_params;  // in the order of the pattern's {placeholders}
  std::vector<query_param> query;
};

// An operator route's handler (an object, not a lambda: g++ 12 miscompiles capturing lambda
// coroutines). Runs on an I/O thread; may await the store (store_await.hpp), never block.
class ops_route_handler {
 public:
  virtual ~ops_route_handler() = default;
  virtual boost::asio::awaitable<net::http_response> handle(const ops_request& request) = 0;
};

class ops_api final : public net::http_handler {
 public:
  explicit ops_api(telemetry::metrics& metrics);

  // A named check for /readyz: returns an empty string when ready, else why not.
  void add_readiness_check(std::string name, std::function<std::string()> check);

  // An operator route, e.g. (get, "/outbox/{id}"). Register before the server runs. A path that
  // matches with another method answers 405 with Allow; literal segments win over {placeholders}.
  void add_route(boost::beast::http::verb method, std::string pattern, std::shared_ptr<ops_route_handler> handler);

  boost::asio::awaitable<net::http_response> handle(net::http_request request, net::request_context context) override;
  net::http_response fault_response(net::request_fault fault, const net::request_context& context) override;

 private:
  struct ops_route {
    boost::beast::http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    std::shared_ptr<ops_route_handler> handler;
  };

  struct ops_match {
    const ops_route* route = nullptr;  // null: not_found, or wrong method when `allow` is set
    std::vector<std::string> params;
    std::string allow;
  };

  net::http_response answer(const net::http_request& request);
  ops_match match(boost::beast::http::verb method, std::string_view path) const;

  telemetry::metrics& metrics_;
  std::vector<std::pair<std::string, std::function<std::string()>>> checks_;
  std::vector<ops_route> routes_;
};

}  // namespace gateway::api
