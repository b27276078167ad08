#pragma once
// A minimal HTTPS client with a client certificate, for gatewayctl's calls to the FHIR listener:
// one request per connection, the server's certificate verified against `ca_file` and its name,
// bounded in time (30 s) and size (16 MiB answer).
#include <string>
#include <variant>
#include <vector>

namespace rg::gatewayctl {

struct https_target {
  std::string host;
  std::string port;
  std::string path;  // the base path, e.g. "/fhir"
};

// Parses "https://HOST[:PORT][/PATH]"; the error says why it is not one.
std::variant<https_target, std::string> parse_https_url(const std::string& url);

struct tls_identity {
  std::string ca_file;    // PEM CA the server's certificate must chain to
  std::string cert_file;  // PEM client certificate
  std::string key_file;   // PEM client key
};

struct https_answer {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// One request to `path` on target's host and port (target.path is not prepended); `body` is sent
// with `content_type` when not empty. The answer, or why there is none.
std::variant<https_answer, std::string> https_call(const https_target& target, const std::string& method,
                                                   const std::string& path, const tls_identity& identity,
                                                   const std::string& body, const std::string& content_type,
                                                   const std::string& accept);

// POSTs `body` as application/fhir+json to `target` (host, port, `path` below its base path); the
// answer, or why there is none.
std::variant<https_answer, std::string> post_fhir(const https_target& target, const std::string& path,
                                                  const tls_identity& identity, const std::string& body);

}  // namespace rg::gatewayctl
