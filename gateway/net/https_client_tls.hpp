#pragma once
// Client-side TLS for the outbound HTTPS client: the same TLS policy as the server
// (apply_tls_policy), the server verified against the destination's CA and CRLs, our own
// certificate and key presented when the server asks (mTLS), and the per-connection host checks
// (SNI, host name verification) and failure reasons.
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <variant>

#include "gateway/net/https_client_types.hpp"

namespace boost::system {
class error_code;
}
namespace boost::asio::ssl {
class context;
}

namespace gateway::net {

// Loads the CA and the client identity; the error names the file that failed.
std::variant<std::shared_ptr<boost::asio::ssl::context>, std::string> make_client_tls_context(
    const client_tls_files& files);

// Before the handshake: SNI (DNS names only) and the name the server certificate must carry
// (DNS name or IP address), checked by OpenSSL so a mismatch is reported as "hostname mismatch".
// Returns false when OpenSSL refuses the name.
bool expect_server_name(SSL* ssl, const std::string& host);

// Why a TLS operation failed, in words: the OpenSSL reason and, when certificate verification
// failed, what was wrong with the certificate, e.g. "certificate verify failed: unable to get
// local issuer certificate".
std::string tls_failure_reason(const boost::system::error_code& ec, SSL* ssl);

}  // namespace gateway::net
