#include "gateway/api/ops_api.hpp"

#include <boost/beast/http/field.hpp>

#include <chrono>

#include "gateway/api/route_table.hpp"
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

void ops_api::add_route(http::verb method, std::string pattern, std::shared_ptr<ops_route_handler> handler) {
  auto segments = split_path(pattern).value_or(std::vector<std::string>{});
  routes_.push_back({method, std::move(pattern), std::move(segments), std::move(handler)});
}

ops_api::ops_match ops_api::match(http::verb method, std::string_view path) const {
  ops_match result;
  const auto segments = split_path(path);
  if (!segments) return result;
  // Score: literal segments matched; the best wins, so /outbox/retry-dead beats /outbox/{id}.
  int best = -1;
  for (const auto& r : routes_) {
    if (r.segments.size() != segments->size()) continue;
    int literals = 0;
    bool ok = true;
    std::vector<std::string> params;
    for (std::size_t i = 0; i < r.segments.size() && ok; ++i) {
      const std::string& want = r.segments[i];
      if (want.size() >= 2 && want.front() == '{' && want.back() == '}') {
        params.push_back((*segments)[i]);
      } else if (want == (*segments)[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      const std::string name(http::to_string(r.method));
      if (result.allow.find(name) == std::string::npos) result.allow += (result.allow.empty() ? "" : ", ") + name;
      continue;
    }
    if (literals > best) {
      best = literals;
      result.route = &r;
      result.params = std::move(params);
    }
  }
  return result;
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
  return text(404, "not found: the operations listener serves /healthz, /readyz, /metrics and its operator routes\n");
}

boost::asio::awaitable<net::http_response> ops_api::handle(net::http_request request, net::request_context context) {
  const auto started = std::chrono::steady_clock::now();
  const std::string_view target = request.target();
  const auto question = target.find('?');
  const std::string path(target.substr(0, question));
  const bool builtin = path == "/healthz" || path == "/readyz" || path == "/metrics";
  std::string label = builtin ? path : "(other)";
  net::http_response res;
  const ops_match found = builtin ? ops_match{} : match(request.method(), path);
  if (found.route != nullptr) {
    label = found.route->pattern;
    ops_request op{
        request, found.params,
        question == std::string_view::npos ? std::vector<query_param>{} : parse_query(target.substr(question + 1))};
    res = co_await found.route->handler->handle(op);
  } else if (!found.allow.empty()) {
    res = text(405, "method not allowed\n");
    res.set(http::field::allow, found.allow);
  } else {
    res = answer(request);
  }
  if (request.method() == http::verb::head) res.body().clear();
  metrics_.count_request(context.listener, request.method_string(), label, res.result_int(),
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
