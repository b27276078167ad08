#pragma once
// Server-side TLS context: TLS 1.2+ (or 1.3 only), our certificate and key, and client
// certificates verified against the configured CA.
#include <memory>
#include <string>
#include <variant>

namespace boost::asio::ssl {
class context;
}

namespace gateway::net {

struct server_tls_files {
  std::string cert;
  std::string key;
  std::string client_ca;
  bool require_client_cert = true;  // false: a client may connect without one (still verified if sent)
  bool tls13_only = false;
};

// Which input a TLS set-up error concerns, so the caller can name its configuration key.
struct tls_setup_error {
  enum class part { cert, key, client_ca, other } what = part::other;
  std::string message;
};

using tls_context_result = std::variant<std::shared_ptr<boost::asio::ssl::context>, tls_setup_error>;

tls_context_result make_server_tls_context(const server_tls_files& files);

}  // namespace gateway::net
