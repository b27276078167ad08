// Start-up failures of the real binary: exit code 2 and a message naming the configuration key.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/gateway_process.hpp"

namespace rg::testing {
namespace {

run_result start_with(const std::vector<std::string>& extra) {
  std::vector<std::string> argv{gateway_binary()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv, std::chrono::seconds(30));
}

TEST(startup, missing_config_file_exits_2_naming_it) {
  const auto r = start_with({"--config", "/nonexistent/gateway.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/gateway.json"), std::string::npos) << r.err;
}

TEST(startup, bad_json_exits_2) {
  temp_dir dir;
  std::ofstream(dir.str("bad.json")) << "{ \"listen\": ";
  const auto r = start_with({"--config", dir.str("bad.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("invalid JSON"), std::string::npos) << r.err;
}

TEST(startup, unknown_key_exits_2_naming_its_path) {
  const auto r = start_with({"--config", source_dir() + "/config/gateway.json", "--set", "listen.tls.colour=blue"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("listen.tls.colour: unknown key"), std::string::npos) << r.err;
}

TEST(startup, wrong_type_exits_2_naming_the_key) {
  const auto r = start_with({"--config", source_dir() + "/config/gateway.json", "--set", "listen.port=\"high\""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("listen.port:"), std::string::npos) << r.err;
}

TEST(startup, missing_certificate_file_exits_2_naming_the_key) {
  const auto r = start_with(
      {"--config", source_dir() + "/config/gateway.json", "--set", "listen.tls.cert=/nonexistent/server.crt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("listen.tls.cert: file not found"), std::string::npos) << r.err;
}

TEST(startup, a_key_file_that_is_not_a_key_exits_2_naming_the_key) {
  const auto& certs = shared_certs_dir();
  temp_dir dir;
  std::ofstream(dir.str("junk.key")) << "not a key";
  const auto r = start_with(
      {"--config", source_dir() + "/config/gateway.json", "--set", "listen.tls.cert=" + certs + "/server.crt", "--set",
       "listen.tls.key=" + dir.str("junk.key"), "--set", "listen.tls.client_ca=" + certs + "/ca.crt", "--set",
       "revocation.crl_files=[\"" + certs + "/ca.crl\"]", "--set", "listen.port=0", "--set", "ops.port=0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("listen.tls.key:"), std::string::npos) << r.err;
}

TEST(startup, unknown_argument_exits_2) {
  EXPECT_EQ(start_with({"--frobnicate"}).exit_code, 2);
}

}  // namespace
}  // namespace rg::testing
