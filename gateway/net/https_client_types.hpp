#pragma once
// The values the outbound HTTPS client takes and gives: where to send (https_url), with which
// TLS identity and trust (client_tls_files), limits (client_options), the request, and either
// a response or the transport failure that prevented one. Plain values; no Asio here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gateway::net {

// An absolute https URL split for the client. Only "https" is accepted: feedback and webhooks
// always travel over TLS.
struct https_url {
  std::string host;  // DNS name or IP literal (without IPv6 brackets)
  std::uint16_t port = 443;
  std::string target = "/";  // path and query, as sent in the request line
};

// Parses "https://host[:port][/path][?query]". No user-info, no fragment. The error says why.
std::variant<https_url, std::string> parse_https_url(std::string_view url);

// The Host header value for a URL ("host" or "host:port", IPv6 in brackets).
std::string host_header(const https_url& url);

// Trust and identity for one destination: the server must chain to `server_ca` (PEM bundle)
// and match the URL's host, and must not be revoked by the CRLs of `crl_files` (checked when
// given, tls_revocation.hpp); `client_cert`/`client_key` (PEM) are presented when the server
// asks (mTLS). An empty client_cert presents none.
struct client_tls_files {
  std::string server_ca;
  std::string client_cert;
  std::string client_key;
  std::vector<std::string> crl_files;
  friend bool operator==(const client_tls_files&, const client_tls_files&) = default;
  friend auto operator<=>(const client_tls_files&, const client_tls_files&) = default;
};

struct client_options {
  std::chrono::milliseconds connect_timeout{5'000};   // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{15'000};  // write the request, read the whole response
  std::size_t max_per_destination = 4;                // connections open at once per destination
  std::size_t max_idle_per_destination = 4;
  std::chrono::milliseconds idle_timeout{30'000};  // idle keep-alive connections closed after this
  std::size_t max_response_header_bytes = 16 * 1024;
  std::size_t max_response_body_bytes = 1024 * 1024;
};

struct client_request {
  std::string method = "POST";
  std::string content_type;  // empty: no Content-Type
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields (Accept, ...)
};

struct client_response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  // The first field with this name (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
};

// Why no response came back. `detail` is for operators ("certificate verify failed: unable to
// get local issuer certificate", "connect timed out after 5000 ms").
struct transport_failure {
  enum class kind {
    timeout,             // connect, handshake or request exceeded its timeout
    connection_refused,  // nothing listening
    connection_lost,     // reset or closed before the whole response arrived
    tls_failure,         // handshake failed: certificate not trusted, wrong host, protocol, ...
    resolve_failure,     // the host name does not resolve
    protocol_error,      // the answer is not HTTP/1.1, or exceeds the response limits
    setup_failure,       // our own TLS files cannot be loaded
  };
  kind what = kind::connection_lost;
  std::string detail;
};

std::string_view to_string(transport_failure::kind k);

using client_result = std::variant<client_response, transport_failure>;

}  // namespace gateway::net
