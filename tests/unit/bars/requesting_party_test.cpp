#include "adapters/bars/requesting_party.hpp"

#include <gtest/gtest.h>

#include "adapters/bars/base64_text.hpp"

namespace gateway::bars {
namespace {

// The API's examples (booking-and-referral-1.5.0.yaml), which write Device.deviceName and
// version as objects; R4 has them as arrays.
const std::string organisation = encode_base64(
    R"({"resourceType":"Organization","identifier":[{"value":"A1001","system":"https://fhir.nhs.uk/Id/ods-organization-code"}],"name":"My service provider name"})");
const std::string software_as_in_the_api = encode_base64(
    R"({"resourceType":"Device","identifier":[{"system":"https://consumersupplier.com/Id/device-identifier","value":"SUPP-APP-1"}],"deviceName":{"name":"Supplier product name","type":"manufacturer-name"},"version":{"value":"1.0.0"}})");
const std::string software_r4 = encode_base64(
    R"({"resourceType":"Device","deviceName":[{"name":"Product","type":"manufacturer-name"}],"version":[{"value":"2.1"}]})");

TEST(requesting_party, reads_the_organisation_and_software_for_the_audit_trail) {
  const auto party = read_requesting_party(organisation, software_as_in_the_api, std::nullopt);
  ASSERT_TRUE(party) << party.error().text();
  EXPECT_EQ(party->organisation_code, "https://fhir.nhs.uk/Id/ods-organization-code|A1001");
  EXPECT_EQ(party->organisation_name, "My service provider name");
  EXPECT_EQ(party->software_id, "https://consumersupplier.com/Id/device-identifier|SUPP-APP-1");
  EXPECT_EQ(party->software_name, "Supplier product name");
  EXPECT_EQ(party->software_version, "1.0.0");
  const std::string text = party->audit_text();
  EXPECT_NE(text.find("A1001"), std::string::npos) << text;
  EXPECT_NE(text.find("Supplier product name 1.0.0"), std::string::npos) << text;
}

TEST(requesting_party, r4_arrays_read_too) {
  const auto party = read_requesting_party(std::nullopt, software_r4, std::nullopt);
  ASSERT_TRUE(party);
  EXPECT_EQ(party->software_name, "Product");
  EXPECT_EQ(party->software_version, "2.1");
  EXPECT_FALSE(party->organisation_given);
}

TEST(requesting_party, absent_headers_are_recorded_as_not_given) {
  const auto party = read_requesting_party(std::nullopt, std::nullopt, std::nullopt);
  ASSERT_TRUE(party);
  EXPECT_FALSE(party->organisation_given);
  EXPECT_FALSE(party->software_given);
  EXPECT_TRUE(party->audit_text().empty());
}

TEST(requesting_party, a_header_that_does_not_decode_is_invalid_naming_it) {
  auto bad = read_requesting_party("%%%", std::nullopt, std::nullopt);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().expression, "NHSD-End-User-Organisation");
  bad = read_requesting_party(std::nullopt, organisation, std::nullopt);  // an Organization is not a Device
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().expression, "NHSD-Requesting-Software");
  bad = read_requesting_party(std::nullopt, std::nullopt, encode_base64("{}"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().expression, "NHSD-Requesting-Practitioner");
}

}  // namespace
}  // namespace gateway::bars
