#include "tests/support/referrer_sim.hpp"

#include "tests/support/gateway_process.hpp"

namespace rg::testing {

std::vector<std::string> referrer_sim_argv(const referrer_sim_spec& spec) {
  const std::string& server = spec.server_dir.empty() ? spec.certs_dir : spec.server_dir;
  std::vector<std::string> argv{referrer_sim_binary()};
  if (!spec.mode.empty()) argv.push_back(spec.mode);
  argv.insert(argv.end(), {"--cert", server + "/server.crt", "--key", server + "/server.key", "--client-ca",
                           spec.certs_dir + "/ca.crt"});
  if (!spec.out_file.empty()) argv.insert(argv.end(), {"--out", spec.out_file});
  argv.insert(argv.end(), spec.flags.begin(), spec.flags.end());
  return argv;
}

std::vector<std::string> delivery_test_settings(const std::string& certs_dir) {
  return {"delivery.client_cert=" + certs_dir + "/client-gateway.crt",
          "delivery.client_key=" + certs_dir + "/client-gateway.key", "delivery.server_ca=" + certs_dir + "/ca.crt",
          "delivery.retry_base_ms=50", "delivery.retry_cap_ms=500"};
}

}  // namespace rg::testing
