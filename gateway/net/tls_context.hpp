#pragma once
// The gateway's TLS contexts. One policy for both directions (apply_tls_policy): TLS 1.2+ (or
// 1.3 only), forward-secret AEAD suites only. Server side: our certificate and key, client
// certificates verified against the configured CA and, when CRLs are configured, checked for
// revocation (tls_revocation.hpp). The server's context sits in a tls_context_slot so SIGHUP can
// replace it while connections continue.
#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace gateway::net {

// Minimum version and cipher suites, the same for the FHIR listener and the HTTPS client.
void apply_tls_policy(SSL_CTX* ctx, bool tls13_only);

struct server_tls_files {
  std::string cert;
  std::string key;
  std::string client_ca;
  bool require_client_cert = true;  // false: a client may connect without one (still verified if sent)
  bool tls13_only = false;
  std::vector<std::string> crl_files;  // empty: no revocation checking
};

// Which input a TLS set-up error concerns, so the caller can name its configuration key.
struct tls_setup_error {
  enum class part { cert, key, client_ca, crl, other } what = part::other;
  std::string message;
};

using tls_context_result = std::variant<std::shared_ptr<boost::asio::ssl::context>, tls_setup_error>;

tls_context_result make_server_tls_context(const server_tls_files& files);

// The current server context of a listener. New connections take the current one and keep it for
// their whole life (so handshakes in progress and established connections are untouched by a
// replacement); the generation number tells a connection that a newer one exists.
// Thread-safe.
class tls_context_slot {
 public:
  explicit tls_context_slot(std::shared_ptr<boost::asio::ssl::context> initial) : context_(std::move(initial)) {}

  struct snapshot {
    std::shared_ptr<boost::asio::ssl::context> context;
    std::uint64_t generation = 0;
  };
  snapshot current() const {
    std::lock_guard lock(mutex_);
    return {context_, generation_.load()};
  }
  std::uint64_t generation() const { return generation_.load(); }
  void replace(std::shared_ptr<boost::asio::ssl::context> next) {
    std::lock_guard lock(mutex_);
    context_ = std::move(next);
    generation_.fetch_add(1);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace gateway::net
