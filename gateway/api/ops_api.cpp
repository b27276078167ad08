#include "gateway/api/ops_api.hpp"

#include <boost/beast/http/field.hpp>

#include <arpa/inet.h>

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

bool is_local_host_header(std::string_view host, std::string_view configured) {
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    const auto close = name.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view rest = name.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || rest.size() == 1)) return false;
    name = name.substr(1, close - 1);
  } else if (const auto colon = name.find(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  if (name.empty()) return false;
  if (name == "localhost" || name == configured) return true;
  const std::string text(name);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

ops_api::ops_api(telemetry::metrics& metrics, std::string address) : metrics_(metrics), address_(std::move(address)) {}

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
  return text(404,
              "not found: the operations listener serves /healthz, /readyz and /metrics; the outbox routes are "
              "under /ops on the HTTPS listener (client certificate of role operator or platform)\n");
}

boost::asio::awaitable<net::http_response> ops_api::handle(net::http_request request, net::request_context context) {
  const auto started = std::chrono::steady_clock::now();
  const std::string_view target = request.target();
  const std::string path(target.substr(0, target.find('?')));
  const bool builtin = path == "/healthz" || path == "/readyz" || path == "/metrics";
  net::http_response res;
  if (!is_local_host_header(request[http::field::host], address_)) {
    res = text(421, "the Host header must name this listener (localhost, a loopback address or ops.address)\n");
  } else {
    res = answer(request);
  }
  if (request.method() == http::verb::head) res.body().clear();
  metrics_.count_request(context.listener, request.method_string(), builtin ? path : "(other)", res.result_int(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  co_return res;
}

net::http_response ops_api::fault_response(net::request_fault fault, const net::request_context&) {
  switch (fault) {
    case net::request_fault::header_too_large:
      return text(431, "request headers too large\n");
    case net::request_fault::body_too_large:
      return text(413, "request body too large\n");
    case net::request_fault::timeout:
      return text(408, "request timeout\n");
    case net::request_fault::malformed:
      break;
  }
  return text(400, "malformed request\n");
}

}  // namespace gateway::api
