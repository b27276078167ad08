#include "tools/gatewayctl/ops_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>

namespace rg::gatewayctl {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::variant<ops_endpoint, std::string> parse_ops_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return "--ops must be http://HOST:PORT (the operations listener is plain HTTP)";
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return "--ops must name a host and a port";
  ops_endpoint e{rest.substr(0, colon), rest.substr(colon + 1)};
  if (e.port.find_first_not_of("0123456789") != std::string::npos) return "--ops port must be a number";
  if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']') e.host = e.host.substr(1, e.host.size() - 2);
  return e;
}

std::variant<ops_answer, std::string> ops_request(const ops_endpoint& at, const std::string& method,
                                                  const std::string& target) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(at.host, at.port, ec);
  if (ec) return "cannot resolve " + at.host + ": " + ec.message();
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(endpoints, ec);
  if (ec) return "cannot connect to " + at.host + ":" + at.port + ": " + ec.message();

  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, at.host + ":" + at.port);
  req.set(http::field::user_agent, "gatewayctl");
  req.set(http::field::accept, "application/json");
  req.keep_alive(false);
  req.prepare_payload();
  http::write(stream, req, ec);
  if (ec) return "sending the request failed: " + ec.message();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(4 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) return "reading the answer failed: " + ec.message();
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  const auto& res = parser.get();
  return ops_answer{static_cast<int>(res.result_int()), res.body()};
}

}  // namespace rg::gatewayctl
