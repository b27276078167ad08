#include "tools/gatewayctl/fhir_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
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
namespace ssl = asio::ssl;

std::variant<https_target, std::string> parse_https_url(const std::string& url) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return "--url must be https://HOST[:PORT][/PATH]";
  std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  https_target t;
  t.path = slash == std::string::npos ? std::string() : rest.substr(slash);
  while (!t.path.empty() && t.path.back() == '/') t.path.pop_back();
  rest = rest.substr(0, slash);
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    t.host = rest.substr(0, colon);
    t.port = rest.substr(colon + 1);
  } else {
    t.host = rest;
    t.port = "443";
  }
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
  if (t.host.empty()) return "--url must name a host";
  if (t.port.empty() || t.port.find_first_not_of("0123456789") != std::string::npos)
    return "--url port must be a number";
  return t;
}

std::variant<https_answer, std::string> post_fhir(const https_target& target, const std::string& path,
                                                  const tls_identity& identity, const std::string& body) {
  return https_call(target, "POST", target.path + path, identity, body, "application/fhir+json",
                    "application/fhir+json");
}

std::variant<https_answer, std::string> https_call(const https_target& target, const std::string& method,
                                                   const std::string& path, const tls_identity& identity,
                                                   const std::string& body, const std::string& content_type,
                                                   const std::string& accept) {
  boost::system::error_code ec;
  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_peer);
  tls.load_verify_file(identity.ca_file, ec);
  if (ec) return "cannot load the CA " + identity.ca_file + ": " + ec.message();
  tls.use_certificate_chain_file(identity.cert_file, ec);
  if (ec) return "cannot load the client certificate " + identity.cert_file + ": " + ec.message();
  tls.use_private_key_file(identity.key_file, ssl::context::pem, ec);
  if (ec) return "cannot load the client key " + identity.key_file + ": " + ec.message();

  asio::io_context io;
  ssl::stream<beast::tcp_stream> stream(io, tls);
  stream.set_verify_callback(ssl::host_name_verification(target.host));
  if (!SSL_set_tlsext_host_name(stream.native_handle(), target.host.c_str())) return "cannot set the TLS server name";
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(target.host, target.port, ec);
  if (ec) return "cannot resolve " + target.host + ": " + ec.message();
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (ec) return "cannot connect to " + target.host + ":" + target.port + ": " + ec.message();
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return "TLS handshake failed: " + ec.message();

  http::request<http::string_body> req{http::string_to_verb(method), path, 11};
  req.set(http::field::host, target.host + ":" + target.port);
  req.set(http::field::user_agent, "gatewayctl");
  if (!body.empty()) req.set(http::field::content_type, content_type);
  req.set(http::field::accept, accept);
  req.keep_alive(false);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req, ec);
  if (ec) return "sending the request failed: " + ec.message();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) return "reading the answer failed: " + ec.message();
  stream.shutdown(ec);  // the answer is complete; a truncated close is not an error here
  const auto& res = parser.get();
  https_answer answer{static_cast<int>(res.result_int()), std::string(res.reason()), {}, res.body()};
  for (const auto& field : res)
    answer.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  return answer;
}

}  // namespace rg::gatewayctl
