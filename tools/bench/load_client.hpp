#pragma once
// The load generator's client side: N keep-alive HTTPS connections with a client certificate
// (mTLS), each a coroutine sending requests back to back, measured after a warm-up; and a mode
// that only opens connections and holds them idle (for the memory budget).
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tools/bench/load_stats.hpp"
#include "tools/bench/request_template.hpp"

namespace rg::bench {

struct client_tls_files {
  std::string ca;                         // trusted CA (PEM) for the server certificate
  std::string cert;                       // client certificate (PEM)
  std::string key;                        // client key (PEM)
  std::string server_name = "localhost";  // SNI and host name verification
};

struct target_spec {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  // Load only: more servers (gateway instances behind one database); connection i goes to the
  // (i mod n)-th of port, more_ports...
  std::vector<std::uint16_t> more_ports;
  client_tls_files tls;
};

struct load_options {
  target_spec target;
  std::string method = "POST";
  std::string path = "/fhir/ServiceRequest";
  // Non-empty: request n of connection c goes to paths[(c + n) mod size] instead of `path` (reads
  // over a fixed list of URLs: search pages, a work queue).
  std::vector<std::string> paths;
  const request_template* body = nullptr;  // null: requests without a body
  std::vector<std::pair<std::string, std::string>> headers;
  std::string run_tag;  // makes identifiers unique across runs against the same store
  unsigned connections = 64;
  unsigned threads = 1;
  std::chrono::milliseconds warmup{2000};
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds timeout{30000};  // per connect, handshake, write or read
};

// Runs the load; returns one record per connection, or an empty vector with `error` set when
// the TLS files cannot be used.
std::vector<connection_record> run_load(const load_options& options, std::string& error);

struct idle_options {
  target_spec target;
  unsigned connections = 1000;
  unsigned threads = 1;
  std::string first_request_path;         // non-empty: one GET on each connection before idling
  std::chrono::milliseconds hold{30000};  // from start; connections still opening keep going
  std::chrono::milliseconds timeout{30000};
};

// Opens the connections, prints "idle opened=N failed=M" on stdout once every attempt has
// finished, holds them until `hold` after the start, then closes them. Returns the number opened.
unsigned hold_idle(const idle_options& options, std::string& error);

}  // namespace rg::bench
