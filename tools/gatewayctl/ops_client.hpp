#pragma once
// A minimal HTTP/1.1 client for the gateway's operations listener (plain HTTP, loopback): one
// request per connection, bounded in time (10 s) and size (4 MiB answer).
#include <string>
#include <variant>

namespace rg::gatewayctl {

struct ops_endpoint {
  std::string host = "127.0.0.1";
  std::string port = "9464";
};

// Parses "http://HOST:PORT" (a trailing '/' allowed); the error says why it is not one.
std::variant<ops_endpoint, std::string> parse_ops_url(const std::string& url);

struct ops_answer {
  int status = 0;
  std::string body;
};

// The answer, or why there is none ("connection refused", "timed out").
std::variant<ops_answer, std::string> ops_request(const ops_endpoint& at, const std::string& method,
                                                  const std::string& target);

}  // namespace rg::gatewayctl
