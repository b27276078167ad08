#pragma once
// A small synchronous HTTPS/1.1 client for integration tests (Beast over OpenSSL), with an
// optional client certificate, raw writes for malformed or slow requests, and keep-alive.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rg::testing {

struct http_answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct tls_identity {
  std::string cert;  // PEM file; empty: present no client certificate
  std::string key;
};

// The certificate files of a development client ("practice-a", "platform", ...).
tls_identity dev_identity(const std::string& certs_dir, const std::string& name);

class https_client {
 public:
  // Connects to 127.0.0.1:port and handshakes, trusting `ca_file`. Check connected().
  https_client(int port, const std::string& ca_file, const tls_identity& identity);
  ~https_client();
  https_client(https_client&&) noexcept;

  bool connected() const;
  const std::string& error() const;

  // Sends one request and reads its answer (keep-alive). status 0 when the connection failed.
  http_answer request(const std::string& method, const std::string& target, const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {});

  // Raw bytes onto the TLS stream, and reading one answer.
  bool write_raw(const std::string& bytes);
  http_answer read_answer();
  // True when the server has closed the connection (reads EOF or an error).
  bool closed_by_peer();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// A plain-HTTP GET (for the operations listener), with this Host header.
http_answer http_get(int port, const std::string& target, const std::string& host = "127.0.0.1");

// A request to /ops`target` on the HTTPS listener as the development operator (the outbox routes).
http_answer operator_request(int https_port, const std::string& certs_dir, const std::string& method,
                             const std::string& target);

}  // namespace rg::testing
