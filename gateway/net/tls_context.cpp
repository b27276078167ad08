#include "gateway/net/tls_context.hpp"

#include <openssl/err.h>

#include <boost/asio/ssl/context.hpp>

#include "gateway/net/openssl_error.hpp"
#include "gateway/net/tls_revocation.hpp"

namespace gateway::net {

void apply_tls_policy(SSL_CTX* ctx, bool tls13_only) {
  SSL_CTX_set_min_proto_version(ctx, tls13_only ? TLS1_3_VERSION : TLS1_2_VERSION);
  // Forward-secret AEAD suites only for TLS 1.2; TLS 1.3's AEAD suites named explicitly too, so
  // neither direction depends on OpenSSL's default lists.
  SSL_CTX_set_cipher_list(ctx,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
}

tls_context_result make_server_tls_context(const server_tls_files& files) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  SSL_CTX* native = ctx->native_handle();
  apply_tls_policy(native, files.tls13_only);

  ctx->use_certificate_chain_file(files.cert, ec);
  if (ec) return tls_setup_error{tls_setup_error::part::cert, "cannot use certificate: " + openssl_error_text(ec)};
  ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) return tls_setup_error{tls_setup_error::part::key, "cannot use private key: " + openssl_error_text(ec)};
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return tls_setup_error{tls_setup_error::part::key, "private key does not match the certificate"};
  }
  ctx->load_verify_file(files.client_ca, ec);
  if (ec) return tls_setup_error{tls_setup_error::part::client_ca, "cannot load CA: " + openssl_error_text(ec)};
  if (auto problem = add_revocation_lists(native, files.crl_files, files.client_ca); !problem.empty())
    return tls_setup_error{tls_setup_error::part::crl, problem};
  // Tell clients which CAs we accept, so they pick the right certificate.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str())) {
    SSL_CTX_set_client_CA_list(native, names);
  }
  ERR_clear_error();
  ctx->set_verify_mode(ssl::verify_peer | (files.require_client_cert ? ssl::verify_fail_if_no_peer_cert : 0), ec);
  // Session resumption with client certificates needs a session id context.
  static const unsigned char session_context[] = "referral-gateway";
  SSL_CTX_set_session_id_context(native, session_context, sizeof session_context - 1);
  return ctx;
}

}  // namespace gateway::net
