#include "gateway/api/ops_route_table.hpp"

#include "gateway/api/route_table.hpp"

namespace gateway::api {
namespace http = boost::beast::http;

void ops_route_table::add(http::verb method, std::string pattern, std::shared_ptr<ops_route_handler> handler) {
  auto segments = split_path(pattern).value_or(std::vector<std::string>{});
  routes_.push_back({method, std::move(pattern), std::move(segments), std::move(handler)});
}

ops_match ops_route_table::match(http::verb method, std::string_view path) const {
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

}  // namespace gateway::api
