#pragma once
// The operator routes (/ops/..., JSON answers): served on the mutual-TLS FHIR listener to callers
// of role operator or platform (ops_gate.hpp), never on the plain operations listener, because
// they show outbox payloads (patient data) and change delivery state. Immutable once the server
// runs; any thread may match.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/api_request.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

struct ops_request {
  const net::http_request& http;
  std::vector<std::string> path_params;  // in the order of the pattern's {placeholders}
  std::vector<query_param> query;
  caller who;  // an operator or the platform
  app::request_meta meta;
};

// An operator route's handler (an object, not a lambda: g++ 12 miscompiles capturing lambda
// coroutines). Runs on an I/O thread; may await the store (store_await.hpp), never block.
class ops_route_handler {
 public:
  virtual ~ops_route_handler() = default;
  virtual boost::asio::awaitable<net::http_response> handle(const ops_request& request) = 0;
};

struct ops_route {
  boost::beast::http::verb method;
  std::string pattern;  // below /ops: "/outbox/{id}"
  std::vector<std::string> segments;
  std::shared_ptr<ops_route_handler> handler;
};

struct ops_match {
  const ops_route* route = nullptr;  // null: not found, or wrong method when `allow` is set
  std::vector<std::string> params;
  std::string allow;
};

class ops_route_table {
 public:
  // A path that matches with another method answers 405 with Allow; literal segments win over
  // {placeholders}. Register before the server runs.
  void add(boost::beast::http::verb method, std::string pattern, std::shared_ptr<ops_route_handler> handler);
  // `path` is below /ops ("/outbox/stats").
  ops_match match(boost::beast::http::verb method, std::string_view path) const;

 private:
  std::vector<ops_route> routes_;
};

}  // namespace gateway::api
