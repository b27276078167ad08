#include "adapters/bars/conversation.hpp"

#include <gtest/gtest.h>

#include "fhir/validator.hpp"

namespace gateway::bars {
namespace {

conversation sample() {
  conversation c;
  c.service_request_id = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
  c.original_bundle_id = "86e3371d-1c15-4862-9552-d9560f8292ba";
  c.correlation_id = "9562466f-c982-4bd5-bb0e-255e9f5e6689";
  c.source_endpoint = "http://fhir.nhs.uk/Id/dos-service-id|2222222222";
  c.destination_endpoint = "http://fhir.nhs.uk/Id/dos-service-id|111111111";
  c.service_request_uuid = "236bb75d-90ef-461f-b71e-fde7f899802c";
  c.encounter_full_url = "urn:uuid:8c63d621-4d86-4f57-8699-e8e22d49935d";
  c.encounter_class_system = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  c.encounter_class_code = "EMER";
  return c;
}

TEST(conversation, is_stored_as_a_valid_r4_basic_resource_and_reads_back) {
  const auto resource = conversation_resource(sample(), "2024-05-01T10:00:00.000Z");
  EXPECT_TRUE(fhir::validate(resource).ok());
  EXPECT_STREQ(resource["id"].GetString(), "bars-0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");
  EXPECT_STREQ(resource["created"].GetString(), "2024-05-01");
  EXPECT_STREQ(resource["subject"]["reference"].GetString(), "ServiceRequest/0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");
  const auto back = read_conversation(resource);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, sample());
}

TEST(conversation, optional_parts_may_be_absent) {
  conversation c = sample();
  c.encounter_full_url.clear();
  c.encounter_class_system.clear();
  c.encounter_class_code.clear();
  const auto back = read_conversation(conversation_resource(c, "2024-05-01"));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
}

TEST(conversation, other_resources_are_not_conversations) {
  rapidjson::Document d;
  d.Parse(R"({"resourceType":"Basic","code":{"text":"x"},"subject":{"reference":"ServiceRequest/1"}})");
  EXPECT_FALSE(read_conversation(d));
  d.Parse(R"({"resourceType":"Patient"})");
  EXPECT_FALSE(read_conversation(d));
}

}  // namespace
}  // namespace gateway::bars
