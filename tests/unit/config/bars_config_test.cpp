// The BaRS configuration keys: bars.service_identifiers (who this service is to BaRS senders),
// referrers[].delivery "bars" and referrers[].bars (where a sender's replies may go).
#include <gtest/gtest.h>

#include "gateway/config/config_loader.hpp"

namespace gateway::config {
namespace {

std::string with(const std::string& extra) {
  const std::string f = std::string(RG_SOURCE_DIR) + "/config/gateway.json";
  return R"({"listen":{"tls":{"cert":")" + f + R"(","key":")" + f + R"(","client_ca":")" + f + R"("}})" + extra + "}";
}

std::vector<std::string> errors_of(const std::string& json) {
  std::vector<std::string> out;
  auto r = load_config_text(json, "test.json", {});
  if (auto* errors = std::get_if<config_errors>(&r))
    for (const auto& e : *errors) out.push_back(e.to_string());
  return out;
}

TEST(bars_config, a_bars_referrer_and_the_service_identifiers_are_read) {
  const std::string f = std::string(RG_SOURCE_DIR) + "/config/gateway.json";
  const std::string json =
      with(R"(,"delivery":{"client_cert":")" + f + R"(","client_key":")" + f + R"(","server_ca":")" + f +
           R"("},"bars":{"service_identifiers":["https://fhir.nhs.uk/Id/dos-service-id|2000072489"]},
    "referrers":[{"organization":"A81001","delivery":"bars","endpoint":"https://a81001.example/fhir/$process-message",
      "bars":{"allowed_source_endpoints":["https://fhir.nhs.uk/Id/dos-service-id|2222222222",
                                          "https://a81001.example/other/$process-message"],
              "target_identifier":"https://fhir.nhs.uk/Id/dos-service-id|2222222222"}}])");
  auto r = load_config_text(json, "t", {});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const gateway_config>>(r))
      << ::testing::PrintToString(errors_of(json));
  const auto& c = *std::get<std::shared_ptr<const gateway_config>>(r);
  ASSERT_EQ(c.bars.service_identifiers.size(), 1u);
  EXPECT_EQ(c.bars.service_identifiers[0], "https://fhir.nhs.uk/Id/dos-service-id|2000072489");
  ASSERT_EQ(c.referrers.size(), 1u);
  EXPECT_EQ(c.referrers[0].bars.allowed_source_endpoints.size(), 2u);
  EXPECT_EQ(c.referrers[0].bars.target_identifier, "https://fhir.nhs.uk/Id/dos-service-id|2222222222");
}

TEST(bars_config, a_bars_referrer_needs_an_https_endpoint) {
  const auto e = errors_of(with(R"(,"referrers":[{"organization":"A81001","delivery":"bars"}])"));
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0], R"(referrers[0].endpoint: must be an https:// URL when delivery is "bars")");
}

TEST(bars_config, a_service_identifier_must_be_system_bar_value) {
  const auto e = errors_of(with(R"(,"bars":{"service_identifiers":["2000072489"]})"));
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e[0].find("bars.service_identifiers[0]: must be \"system|value\""), std::string::npos) << e[0];
}

TEST(bars_config, an_allowed_source_endpoint_must_be_an_https_url_or_a_target_identifier) {
  const auto e = errors_of(with(R"(,"referrers":[{"organization":"A81001","delivery":"bars",
    "endpoint":"https://a.example/x","bars":{"allowed_source_endpoints":["http://a.example/x"]}}])"));
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e[0].find("referrers[0].bars.allowed_source_endpoints[0]: must be an https:// URL"), std::string::npos)
      << e[0];
}

TEST(bars_config, unknown_keys_in_the_bars_sections_are_refused) {
  EXPECT_EQ(errors_of(with(R"(,"bars":{"colour":1})")).at(0), "bars.colour: unknown key");
  const auto e = errors_of(with(R"(,"referrers":[{"organization":"A81001","delivery":"bars",
    "endpoint":"https://a.example/x","bars":{"colour":1}}])"));
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0], "referrers[0].bars.colour: unknown key");
}

}  // namespace
}  // namespace gateway::config
