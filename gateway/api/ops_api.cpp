#include "gateway/api/ops_api.hpp"

#include <boost/beast/http/field.hpp>

#include <chrono>

#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway::api {
namespace http = boost::beast::http;

namespace {

net::http_response text(unsigned status, std::string body, const char* type = "text/plain; charset=utf-8") {
  net::http_response res;
  res.result(status);
  res.set(http::field::content_type, type);
  res.body() = std::move(body);
  return res;
}

}  // namespace

ops_api::ops_api(telemetry::metrics& metrics) : metrics_(metrics) {}

void ops_api::add_readiness_check(std::string name, std::function<std::string()> check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

net::http_response ops_api::answer(const net::http_request& request) {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const bool read = request.method() == http::verb::get || request.method() == http::verb::head;
  if (path == "/healthz" || path == "/readyz" || path == "/metrics") {
    if (!read) {
      auto res = text(405, "method not allowed\n");
      res.set(http::field::allow, "GET, HEAD");
      return res;
    }
  }
  if (path == "/healthz") return text(200, "ok\n");
  if (path == "/readyz") {
    std::string problems;
    for (const auto& [name, check] : checks_) {
      const std::string why = check();
      if (!why.empty()) problems += name + ": " + why + "\n";
    }
    return problems.empty() ? text(200, "ready\n") : text(503, problems);
  }
  if (path == "/metrics") return text(200, metrics_.render_prometheus(), "text/plain; version=0.0.4; charset=utf-8");
  return text(404, "not found: the operations listener serves /healthz, /readyz and /metrics\n");
}

boost::asio::awaitable<net::http_response> ops_api::handle(net::http_request request, net::request_context context) {
  const auto started = std::chrono::steady_clock::now();
  net::http_response res = answer(request);
  if (request.method() == http::verb::head) res.body().clear();
  const std::string_view target = request.target();
  const std::string path(target.substr(0, target.find('?')));
  const bool known = path == "/healthz" || path == "/readyz" || path == "/metrics";
  metrics_.count_request(context.listener, request.method_string(), known ? path : "(other)", res.result_int(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  co_return res;
}

net::http_response ops_api::fault_response(net::request_fault fault, const net::request_context&) {
  switch (fault) {
    case net::request_fault::header_too_large: return text(431, "request headers too large\n");
    case net::request_fault::body_too_large: return text(413, "request body too large\n");
    case net::request_fault::timeout: return text(408, "request timeout\n");
    case net::request_fault::malformed: break;
  }
  return text(400, "malformed request\n");
}

}  // namespace gateway::api
