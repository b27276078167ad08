#include "adapters/bars/target_identifier.hpp"

#include <gtest/gtest.h>

#include "adapters/bars/base64_text.hpp"
#include "adapters/bars/nhs_identifier_system.hpp"

namespace gateway::bars {
namespace {

TEST(target_identifier, the_api_example_header_decodes) {
  const auto id = decode_target_identifier(
      encode_base64(R"({"value": "2000011147", "system": "https://fhir.nhs.uk/Id/dos-service-id"})"));
  ASSERT_TRUE(id) << id.error().text();
  EXPECT_EQ(id->system, "https://fhir.nhs.uk/Id/dos-service-id");
  EXPECT_EQ(id->value, "2000011147");
}

TEST(target_identifier, encoding_round_trips) {
  const target_identifier id{"https://fhir.nhs.uk/Id/dos-service-id", "111111111"};
  const auto back = decode_target_identifier(encode_target_identifier(id));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, id);
}

// The API's own tests: "this-is-not-base-64" and {"system": "tests"} both answer 400.
TEST(target_identifier, bad_base64_bad_json_or_missing_parts_are_invalid_naming_the_header) {
  for (const std::string& bad : std::vector<std::string>{
           std::string("this-is-not-base-64"), encode_base64("not json"), encode_base64(R"(["a"])"),
           encode_base64(R"({"system": "tests"})"), encode_base64(R"({"system": "s", "value": 7})")}) {
    const auto id = decode_target_identifier(bad);
    ASSERT_FALSE(id) << bad;
    EXPECT_EQ(id.error().kind, core::error_kind::invalid);
    EXPECT_EQ(id.error().expression, "NHSD-Target-Identifier");
  }
}

TEST(target_identifier, endpoint_text_is_system_bar_value) {
  const auto id = parse_endpoint_identifier("https://fhir.nhs.uk/Id/dos-service-id|2222222222");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->system, "https://fhir.nhs.uk/Id/dos-service-id");
  EXPECT_EQ(id->value, "2222222222");
  EXPECT_EQ(to_endpoint_text(*id), "https://fhir.nhs.uk/Id/dos-service-id|2222222222");
  for (const char* not_one :
       {"[ODSCode]:[DoSId]", "urn:uuid:4d1def34-68a7-4a37-8152-65f0e90329ee", "|x", "x|", "a|b|c"})
    EXPECT_FALSE(parse_endpoint_identifier(not_one)) << not_one;
}

// The published examples write the DoS system with http: and the ODS one with a lower-case id.
TEST(target_identifier, the_same_service_despite_the_examples_spelling_of_nhs_systems) {
  const target_identifier ours{"https://fhir.nhs.uk/Id/dos-service-id", "111111111"};
  EXPECT_TRUE(same_service(ours, {"http://fhir.nhs.uk/Id/dos-service-id", "111111111"}));
  EXPECT_TRUE(same_service(ours, {"https://fhir.nhs.uk/id/dos-service-id", "111111111"}));
  EXPECT_FALSE(same_service(ours, {"https://fhir.nhs.uk/Id/dos-service-id", "111111112"}));
  EXPECT_FALSE(same_service(ours, {"https://fhir.nhs.uk/Id/other-id", "111111111"}));
  EXPECT_FALSE(same_service(ours, {"tests", "111111111"}));
  const std::vector<target_identifier> list{{"tests", "x"}, ours};
  EXPECT_EQ(find_service(list, {"http://fhir.nhs.uk/Id/dos-service-id", "111111111"}), &list[1]);
  EXPECT_EQ(find_service(list, {"tests", "invalid"}), nullptr);
}

TEST(nhs_identifier_system, reads_the_variants_as_defined_and_says_so) {
  const auto ods = canonical_nhs_system("https://fhir.nhs.uk/id/ods-organization-code");
  EXPECT_EQ(ods.system, "https://fhir.nhs.uk/Id/ods-organization-code");
  EXPECT_TRUE(ods.corrected);
  EXPECT_EQ(canonical_nhs_system("http://fhir.nhs.uk/Id/dos-service-id").system,
            "https://fhir.nhs.uk/Id/dos-service-id");
  const auto right = canonical_nhs_system("https://fhir.nhs.uk/Id/nhs-number");
  EXPECT_FALSE(right.corrected);
  for (const char* other : {"https://fhir.hl7.org.uk/id/x", "https://fhir.nhs.uk/CodeSystem/x", "urn:oid:1.2",
                            "https://fhir.nhs.uk/identity/x", "https://fhir.nhs.uk/"}) {
    const auto c = canonical_nhs_system(other);
    EXPECT_FALSE(c.corrected) << other;
    EXPECT_EQ(c.system, other);
  }
}

}  // namespace
}  // namespace gateway::bars
