#include "gateway/api/route_table.hpp"

#include <boost/beast/http/verb.hpp>

#include <cstdint>

namespace gateway::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string_view> pattern_segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    const auto slash = pattern.find('/', start);
    const auto end = slash == std::string_view::npos ? pattern.size() : slash;
    if (end > start) out.push_back(pattern.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool segments_match(const std::vector<std::string_view>& pattern, const std::vector<std::string>& path,
                    std::vector<std::string>& params) {
  if (pattern.size() != path.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i].size() > 2 && pattern[i].front() == '{' && pattern[i].back() == '}') {
      if (path[i].empty()) return false;
      params.push_back(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

const char* interaction_code(interaction kind) {
  switch (kind) {
    case interaction::read:
      return "read";
    case interaction::vread:
      return "vread";
    case interaction::update:
      return "update";
    case interaction::patch:
      return "patch";
    case interaction::delete_:
      return "delete";
    case interaction::history_instance:
      return "history-instance";
    case interaction::history_type:
      return "history-type";
    case interaction::create:
      return "create";
    case interaction::search_type:
      return "search-type";
    case interaction::capabilities:
      return "capabilities";
    case interaction::transaction:
      return "transaction";
    case interaction::batch:
      return "batch";
    case interaction::search_system:
      return "search-system";
    case interaction::history_system:
      return "history-system";
    case interaction::operation:
      return "operation";
  }
  return "operation";
}

std::optional<std::vector<std::string>> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    auto decoded = percent_decode(path.substr(start, end - start), false);
    if (!decoded) return std::nullopt;
    out.push_back(std::move(*decoded));
    start = end;
  }
  return out;
}

std::vector<query_param> parse_query(std::string_view query) {
  std::vector<query_param> out;
  std::size_t start = 0;
  while (start < query.size()) {
    const auto amp = query.find('&', start);
    const auto end = amp == std::string_view::npos ? query.size() : amp;
    const auto pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto name = percent_decode(pair.substr(0, eq), true);
      auto value =
          eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(pair.substr(eq + 1), true);
      out.push_back({name.value_or(std::string(pair.substr(0, eq))), value.value_or("")});
    }
    start = end + 1;
  }
  return out;
}

void route_table::add(route r) {
  routes_.push_back(std::move(r));
}

route_match route_table::match(boost::beast::http::verb method, std::string_view path) const {
  route_match m;
  const auto segments = split_path(path);
  if (!segments) return m;
  std::vector<std::string> params;
  // Among the routes that match, the most literal one wins ("/ServiceRequest/_history" over
  // "/ServiceRequest/{id}"), whatever the order of registration.
  std::size_t best_placeholders = SIZE_MAX;
  for (const auto& r : routes_) {
    if (!segments_match(pattern_segments(r.pattern), *segments, params)) continue;
    if (r.method == method || (method == boost::beast::http::verb::head && r.method == boost::beast::http::verb::get)) {
      if (params.size() < best_placeholders) {
        best_placeholders = params.size();
        m.matched = &r;
        m.params = params;
      }
      continue;
    }
    const std::string name(boost::beast::http::to_string(r.method));
    if (m.allow.find(name) == std::string::npos) m.allow += m.allow.empty() ? name : ", " + name;
  }
  if (m.matched != nullptr) {
    m.result = route_match::outcome::found;
    m.allow.clear();
  } else if (!m.allow.empty()) {
    m.result = route_match::outcome::wrong_method;
  }
  return m;
}

}  // namespace gateway::api
