#include "tests/support/hl7v2_clinic.hpp"

#include <atomic>
#include <fstream>

#include "tests/support/fixtures.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {

std::string clinic_referral() {
  return read_text(source_dir() + "/tests/data/hl7v2/ref-i12-msk-clinic.hl7");
}

std::string clinic_referral(const std::string& control_id, const std::string& referral_id) {
  return replaced(replaced(clinic_referral(), "|RXX01-0001|", "|" + control_id + "|"), "REF-V2-0001^",
                  referral_id + "^");
}

v2_answer send_v2(const temp_dir& dir, int port, const std::string& message, bool tls) {
  static std::atomic<int> sent{0};
  const std::string file = dir.str("v2-message-" + std::to_string(++sent) + ".hl7");
  std::ofstream(file, std::ios::binary) << message;
  const std::string url = std::string(tls ? "mllps" : "mllp") + "://localhost:" + std::to_string(port);
  std::vector<std::string> argv{gatewayctl_binary(), "send-v2", file, "--to", url, "--timeout-ms", "20000"};
  if (tls) {
    const auto id = dev_identity(shared_certs_dir(), "msk-clinic");
    argv.insert(argv.end(), {"--cert", id.cert, "--key", id.key, "--ca", shared_certs_dir() + "/ca.crt"});
  }
  const run_result r = run_command(argv);
  return {r.exit_code, r.out, r.err};
}

}  // namespace rg::testing
