#include "tests/support/https_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace rg::testing {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

tls_identity dev_identity(const std::string& certs_dir, const std::string& name) {
  return {certs_dir + "/client-" + name + ".crt", certs_dir + "/client-" + name + ".key"};
}

namespace {

http_answer to_answer(const http::response<http::string_body>& res) {
  http_answer a;
  a.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    a.headers[name] = std::string(f.value());
  }
  a.body = res.body();
  return a;
}

}  // namespace

struct https_client::impl {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::unique_ptr<ssl::stream<tcp::socket>> stream;
  boost::beast::flat_buffer buffer;
  bool connected = false;
  std::string error;
};

https_client::https_client(int port, const std::string& ca_file, const tls_identity& identity)
    : impl_(std::make_unique<impl>()) {
  boost::system::error_code ec;
  impl_->ctx.load_verify_file(ca_file, ec);
  if (!identity.cert.empty()) {
    impl_->ctx.use_certificate_chain_file(identity.cert, ec);
    impl_->ctx.use_private_key_file(identity.key, ssl::context::pem, ec);
  }
  impl_->ctx.set_verify_mode(ssl::verify_peer);
  impl_->stream = std::make_unique<ssl::stream<tcp::socket>>(impl_->ioc, impl_->ctx);
  SSL_set_tlsext_host_name(impl_->stream->native_handle(), "localhost");
  impl_->stream->set_verify_callback(ssl::host_name_verification("localhost"));
  impl_->stream->lowest_layer().connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  if (ec) {
    impl_->error = "connect: " + ec.message();
    return;
  }
  impl_->stream->handshake(ssl::stream_base::client, ec);
  if (ec) {
    impl_->error = "handshake: " + ec.message();
    return;
  }
  // TLS 1.3 reports a refused client certificate only on the first read; a request proves it.
  impl_->connected = true;
}

https_client::~https_client() = default;
https_client::https_client(https_client&&) noexcept = default;

bool https_client::connected() const {
  return impl_->connected;
}
const std::string& https_client::error() const {
  return impl_->error;
}

http_answer https_client::request(const std::string& method, const std::string& target, const std::string& body,
                                  const std::map<std::string, std::string>& headers) {
  if (!impl_->connected) return {};
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "localhost");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.body() = body;
    if (headers.find("Content-Type") == headers.end()) req.set(http::field::content_type, "application/fhir+json");
    req.prepare_payload();
  }
  boost::system::error_code ec;
  http::write(*impl_->stream, req, ec);
  if (ec) {
    impl_->error = "write: " + ec.message();
    impl_->connected = false;
    return {};
  }
  return read_answer();
}

bool https_client::write_raw(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(*impl_->stream, asio::buffer(bytes), ec);
  return !ec;
}

http_answer https_client::read_answer() {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  boost::system::error_code ec;
  http::read(*impl_->stream, impl_->buffer, parser, ec);
  if (ec) {
    impl_->error = "read: " + ec.message();
    impl_->connected = false;
    return {};
  }
  return to_answer(parser.get());
}

bool https_client::closed_by_peer() {
  char c;
  boost::system::error_code ec;
  impl_->stream->read_some(asio::buffer(&c, 1), ec);
  return static_cast<bool>(ec);
}

http_answer operator_request(int https_port, const std::string& certs_dir, const std::string& method,
                             const std::string& target) {
  https_client c(https_port, certs_dir + "/ca.crt", dev_identity(certs_dir, "operator"));
  return c.request(method, "/ops" + target);
}

http_answer http_get(int port, const std::string& target, const std::string& host) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  if (ec) return {};
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  http::write(socket, req, ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res, ec);
  if (ec) return {};
  return to_answer(res);
}

}  // namespace rg::testing
