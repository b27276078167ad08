#pragma once
// The real referrer-sim and the gateway's delivery settings as the tests start them: one place
// for the command line and the delivery.* overrides, so every delivery test talks to the same peer.
#include <string>
#include <vector>

namespace rg::testing {

struct referrer_sim_spec {
  std::string mode;                // "" (FHIR messaging), "--bars", "--mllp" or "--mllps"
  std::string certs_dir;           // the CA its client certificates must chain to (--client-ca)
  std::string server_dir;          // where server.crt and server.key are; certs_dir when empty
  std::string out_file;            // what it records (--out); none when empty
  std::vector<std::string> flags;  // anything else, last
};

// referrer-sim's argv for `spec`.
std::vector<std::string> referrer_sim_argv(const referrer_sim_spec& spec);

// The gateway's delivery overrides for a test run: this run's client certificate, key and CA from
// `certs_dir`, and fast retries (50 ms base, 500 ms cap).
std::vector<std::string> delivery_test_settings(const std::string& certs_dir);

}  // namespace rg::testing
