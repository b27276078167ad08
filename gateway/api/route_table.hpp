#pragma once
// Matches a method and path against the registered routes. Immutable once the server starts;
// safe to use from any thread after that.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/route.hpp"

namespace gateway::api {

struct route_match {
  enum class outcome { found, wrong_method, not_found } result = outcome::not_found;
  const route* matched = nullptr;
  std::vector<std::string> params;
  std::string allow;  // for wrong_method: "GET, POST"
};

class route_table {
 public:
  void add(route r);
  const std::vector<route>& routes() const { return routes_; }

  // `path` is relative to the base path, percent-decoded segments are compared.
  route_match match(boost::beast::http::verb method, std::string_view path) const;

 private:
  std::vector<route> routes_;
};

// Splits "/a/b/c" into {"a","b","c"}, percent-decoding each segment; nullopt on bad escapes.
std::optional<std::vector<std::string>> split_path(std::string_view path);

// Decodes an application/x-www-form-urlencoded query ("a=1&b=x%20y"); '+' is a space.
std::vector<query_param> parse_query(std::string_view query);

}  // namespace gateway::api
