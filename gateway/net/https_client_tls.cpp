#include "gateway/net/https_client_tls.hpp"

#include "gateway/net/openssl_error.hpp"
#include "gateway/net/tls_context.hpp"
#include "gateway/net/tls_revocation.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>

namespace gateway::net {

std::variant<std::shared_ptr<boost::asio::ssl::context>, std::string> make_client_tls_context(
    const client_tls_files& files) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  apply_tls_policy(ctx->native_handle(), false);
  if (files.server_ca.empty()) return std::string("no server CA configured");
  ctx->load_verify_file(files.server_ca, ec);
  if (ec) return "cannot load server CA " + files.server_ca + ": " + openssl_error_text(ec);
  if (auto problem = add_revocation_lists(ctx->native_handle(), files.crl_files, files.server_ca); !problem.empty())
    return "revocation: " + problem;
  if (!files.client_cert.empty()) {
    ctx->use_certificate_chain_file(files.client_cert, ec);
    if (ec) return "cannot use client certificate " + files.client_cert + ": " + openssl_error_text(ec);
    ctx->use_private_key_file(files.client_key, ssl::context::pem, ec);
    if (ec) return "cannot use client key " + files.client_key + ": " + openssl_error_text(ec);
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
      ERR_clear_error();
      return "client key " + files.client_key + " does not match " + files.client_cert;
    }
  }
  ctx->set_verify_mode(ssl::verify_peer, ec);
  return ctx;
}

bool expect_server_name(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  const bool is_address = !ec;
  if (is_address) {
    // SNI carries host names only (RFC 6066 section 3).
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return false;
  return SSL_set1_host(ssl, host.c_str()) == 1;
}

std::string tls_failure_reason(const boost::system::error_code& ec, SSL* ssl) {
  std::string reason;
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    const char* text = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    reason = text ? text : ec.message();
  } else if (ec == boost::asio::ssl::error::stream_truncated || ec == boost::asio::error::eof) {
    reason = "connection closed by the server during the TLS handshake";
  } else {
    reason = ec.message();
  }
  if (ssl != nullptr) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      if (reason.find("certificate verify failed") == std::string::npos) reason += ", certificate verify failed";
      reason += ": ";
      reason += X509_verify_cert_error_string(verify);
    }
  }
  ERR_clear_error();
  return reason;
}

}  // namespace gateway::net
