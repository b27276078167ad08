// The README's walk-through files (docs/examples) sent to the real binary the way the README
// sends them, and `gatewayctl send FILE` against it: the documented commands keep working.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/gateway_test.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

std::string member(const std::string& json, const char* name) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (!doc.IsObject() || !doc.HasMember(name) || !doc[name].IsString()) return {};
  return doc[name].GetString();
}

std::string example(const std::string& name) {
  return read_text(source_dir() + "/docs/examples/" + name);
}

class examples_test : public gateway_test {
 protected:
  run_result send(const std::string& file, const std::string& who = "practice-a") {
    return run_command({gatewayctl_binary(), "send", file, "--as", who, "--certs", shared_certs_dir(), "--url",
                        "https://localhost:" + std::to_string(gateway_->port("https")) + "/fhir"});
  }
};

TEST_F(examples_test, the_walk_through_files_do_what_the_readme_says) {
  auto a = client("practice-a");
  auto p = client("platform");
  const auto referral = a.request("POST", "/fhir/ServiceRequest",
                                  read_text(source_dir() + "/tests/data/core/servicerequest-contained.json"));
  ASSERT_EQ(referral.status, 201) << referral.body;
  const std::string sr = member(referral.body, "id");

  // phq9.json with {id} replaced: the platform's outcome for the referral.
  const auto outcome = p.request("POST", "/fhir/Observation", replaced(example("phq9.json"), "{id}", sr));
  EXPECT_EQ(outcome.status, 201) << outcome.body;

  // revoked.json: practice A cancels the referral it sent.
  const auto revoked =
      a.request("PUT", "/fhir/ServiceRequest/" + sr, example("revoked.json"), {{"If-Match", "W/\"1\""}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(member(revoked.body, "status"), "revoked");

  // bundle.json: a referral with its resources in one transaction.
  const auto bundle = a.request("POST", "/fhir", example("bundle.json"));
  ASSERT_EQ(bundle.status, 200) << bundle.body;
  EXPECT_EQ(member(bundle.body, "type"), "transaction-response");
  EXPECT_EQ(bundle.body.find("\"status\":\"4"), std::string::npos) << bundle.body;
}

TEST_F(examples_test, gatewayctl_send_posts_a_referral_or_a_bundle_as_a_development_caller) {
  const std::string referral = source_dir() + "/tests/data/core/servicerequest-contained.json";
  const auto created = send(referral);
  EXPECT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out.rfind("201 Created\n", 0), 0u) << created.out;
  EXPECT_NE(created.out.find("Location: https://localhost:"), std::string::npos) << created.out;
  EXPECT_NE(created.out.find("ETag: W/\"1\""), std::string::npos) << created.out;
  EXPECT_NE(created.out.find("\"resourceType\":\"ServiceRequest\""), std::string::npos);

  const auto repeated = send(referral);
  EXPECT_EQ(repeated.exit_code, 0);
  EXPECT_EQ(repeated.out.rfind("200 OK\n", 0), 0u) << repeated.out;

  const auto bundle = send(source_dir() + "/docs/examples/bundle.json");
  EXPECT_EQ(bundle.exit_code, 0) << bundle.err;
  EXPECT_NE(bundle.out.find("transaction-response"), std::string::npos) << bundle.out;

  // Practice B sending practice A's referral is refused by the gateway: printed, exit 1.
  const auto refused = send(referral, "practice-b");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out.rfind("403 Forbidden\n", 0), 0u) << refused.out;
  EXPECT_NE(refused.out.find("OperationOutcome"), std::string::npos);

  // Not a referral or Bundle: a usage error, nothing sent.
  const auto wrong = send(source_dir() + "/docs/examples/phq9.json");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("expected a ServiceRequest or a Bundle"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace rg::testing
