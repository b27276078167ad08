#pragma once
// referrer-sim's command line, parsed once into plain values (see README.md for each flag).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rg::referrer_sim {

struct sim_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port, announced on stdout
  unsigned listeners = 1;  // >1 (with port 0): as many ports, one per simulated referrer endpoint
  std::string cert = "certs/dev/server.crt";
  std::string key = "certs/dev/server.key";
  std::string client_ca = "certs/dev/ca.crt";   // callers' certificates must chain to it (mTLS)
  std::string path = "/fhir/$process-message";  // where FHIR messages are POSTed
  std::string out;                              // JSON Lines file of accepted messages; empty: not recorded
  bool fsync = true;                            // each accepted line is durable before the 200
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive connections closed after this idle time

  // BaRS instead of plain FHIR messaging (--bars): replies checked and answered as a BaRS receiver
  // does (bars_sim_handler.hpp).
  bool bars = false;
  bool answer_409 = false;  // --bars: every message gets 409 REC_CONFLICT duplicate

  // HL7 v2 instead of FHIR (--mllp / --mllps): an MLLP listener (TLS with --mllps, client
  // certificates required) that answers each message with an ACK.
  bool mllp = false;
  bool mllp_tls = false;
  std::string ack = "AA";       // AA | AE | AR | silence | garbage | wrong-id
  std::int64_t ack_first = -1;  // only the first N messages get --ack, later ones AA; -1 = all

  // Failure injection.
  std::int64_t fail_first = 0;              // the first N messages get 503
  std::optional<std::int64_t> retry_after;  // seconds, sent with those 503s
  bool answer_400 = false;                  // every message gets 400
  std::chrono::milliseconds delay{0};       // before answering each message
  std::int64_t close_mid_request = 0;       // the first N requests: close after their headers; -1 = always
};

// Parses argv[1..]; the error names the flag.
std::variant<sim_options, std::string> parse_sim_options(const std::vector<std::string>& args);

const char* sim_usage();

}  // namespace rg::referrer_sim
