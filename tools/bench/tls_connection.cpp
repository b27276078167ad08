#include "tools/bench/tls_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>

namespace rg::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
}  // namespace

std::shared_ptr<ssl::context> make_client_tls(const client_tls_files& files, std::string& error) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->load_verify_file(files.ca, ec);
  if (!ec) ctx->use_certificate_chain_file(files.cert, ec);
  if (!ec) ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (!ec) ctx->set_verify_mode(ssl::verify_peer, ec);
  if (ec) {
    error = "client TLS files (" + files.ca + ", " + files.cert + ", " + files.key + "): " + ec.message();
    return nullptr;
  }
  return ctx;
}

// Connect and handshake, each bounded by `timeout`. Returns the error, if any.
asio::awaitable<boost::system::error_code> open_connection(tls_stream& stream, tcp::endpoint endpoint,
                                                           const client_tls_files& tls,
                                                           std::chrono::milliseconds timeout) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(timeout);
  auto [connect_ec] = co_await tcp_layer.async_connect(endpoint, tuple_awaitable);
  if (connect_ec) co_return connect_ec;
  tcp_layer.socket().set_option(tcp::no_delay(true));
  if (SSL_set_tlsext_host_name(stream.native_handle(), tls.server_name.c_str()) != 1) {
    co_return boost::system::error_code(EINVAL, boost::system::generic_category());  // SNI name rejected
  }
  stream.set_verify_callback(ssl::host_name_verification(tls.server_name));
  tcp_layer.expires_after(timeout);
  auto [hs_ec] = co_await stream.async_handshake(ssl::stream_base::client, tuple_awaitable);
  tcp_layer.expires_never();
  co_return hs_ec;
}

// Best-effort close_notify, bounded.
asio::awaitable<void> close_connection(tls_stream& stream) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(std::chrono::seconds(1));
  co_await stream.async_shutdown(tuple_awaitable);
  boost::system::error_code ignored;
  tcp_layer.socket().close(ignored);
}

}  // namespace rg::bench
