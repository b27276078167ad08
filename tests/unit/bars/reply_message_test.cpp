#include "adapters/bars/reply_message.hpp"

#include <gtest/gtest.h>

#include "adapters/bars/target_identifier.hpp"
#include "bars_test_data.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/feedback_message.hpp"

namespace gateway::bars {
namespace {

const char* stored_service_request = R"({"resourceType":"ServiceRequest","id":"sr-1",
  "meta":{"versionId":"1","lastUpdated":"2024-05-01T10:00:00.000Z"},
  "identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c"}],
  "status":"active","intent":"plan","subject":{"reference":"Patient/p-1"},
  "authoredOn":"2021-11-26T15:00:00+00:00","requester":{"reference":"Organization/o-1"},
  "reasonCode":[{"coding":[{"system":"http://snomed.info/sct","code":"203082005"}]}]})";

std::string task_json(const std::string& status, const std::string& business) {
  return R"({"resourceType":"Task","id":"t-1","meta":{"versionId":"2","lastUpdated":"2024-05-02T10:00:00.000Z"},
    "status":")" +
         status + R"(","intent":"order",
    "businessStatus":{"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/business-status","code":")" +
         business + R"("}]},
    "basedOn":[{"reference":"ServiceRequest/sr-1"}],"for":{"reference":"Patient/p-1"}})";
}

constexpr const char* reply_id = "5f0c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098";

conversation origin() {
  conversation c;
  c.service_request_id = "sr-1";
  c.original_bundle_id = "86e3371d-1c15-4862-9552-d9560f8292ba";
  c.correlation_id = "9562466f-c982-4bd5-bb0e-255e9f5e6689";
  c.source_endpoint = "http://fhir.nhs.uk/Id/dos-service-id|2222222222";
  c.destination_endpoint = "https://fhir.nhs.uk/Id/dos-service-id|111111111";
  c.service_request_uuid = "236bb75d-90ef-461f-b71e-fde7f899802c";
  c.encounter_full_url = "urn:uuid:8c63d621-4d86-4f57-8699-e8e22d49935d";
  c.encounter_class_system = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  c.encounter_class_code = "EMER";
  return c;
}

// The feedback message the outbox holds for the referrer, made by the real builder.
struct fixture {
  rapidjson::Document sr = test::parse(stored_service_request);
  rapidjson::Document task;
  core::outbox_item item;
  rapidjson::Document feedback;
  reply_input in;

  explicit fixture(const std::string& status = "accepted", const std::string& business = "triaged-step-2",
                   bool include_service_request = true)
      : task(test::parse(task_json(status, business))) {
    core::feedback_message_input m;
    m.message_id = reply_id;
    m.timestamp = "2024-05-02T10:00:00.000Z";
    m.source_endpoint = "urn:referral-gateway";
    m.base_url = "https://gateway.example.org/fhir";
    m.destination = {"RND", "https://rnd.example.org/fhir/$process-message", include_service_request};
    m.task = &task;
    m.service_request = &sr;
    auto made = core::make_feedback_item(m);
    if (!made) throw std::runtime_error("feedback message invalid");
    item = *made;
    feedback = test::parse(item.payload);
    in = {&feedback, origin(), "RND", "PLT01"};
  }
};

referrer_routing routing() {
  return {"https://rnd.example.org/fhir/$process-message", {"http://fhir.nhs.uk/Id/dos-service-id|2222222222"}, ""};
}

TEST(reply_message, a_servicerequest_response_naming_the_original_bundle) {
  fixture f;
  const auto m = build_reply_message(f.in);
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_TRUE(fhir::validate(*m).ok());
  EXPECT_STREQ((*m)["type"].GetString(), "message");
  EXPECT_STREQ((*m)["id"].GetString(), reply_id);
  const auto& h = (*m)["entry"][0]["resource"];
  EXPECT_STREQ(h["resourceType"].GetString(), "MessageHeader");
  EXPECT_STREQ(h["id"].GetString(), reply_id);
  EXPECT_STREQ(h["eventCoding"]["system"].GetString(), "https://fhir.nhs.uk/CodeSystem/message-events-bars");
  EXPECT_STREQ(h["eventCoding"]["code"].GetString(), "servicerequest-response");
  EXPECT_STREQ(h["response"]["identifier"].GetString(), "86e3371d-1c15-4862-9552-d9560f8292ba");
  EXPECT_STREQ(h["response"]["code"].GetString(), "ok");
  EXPECT_STREQ(h["reason"]["coding"][0]["code"].GetString(), "new");
  EXPECT_STREQ(h["destination"][0]["endpoint"].GetString(), "http://fhir.nhs.uk/Id/dos-service-id|2222222222");
  EXPECT_STREQ(h["source"]["endpoint"].GetString(), "https://fhir.nhs.uk/Id/dos-service-id|111111111");
  EXPECT_STREQ(h["focus"][0]["reference"].GetString(), "urn:uuid:8c63d621-4d86-4f57-8699-e8e22d49935d");
  EXPECT_STREQ((*m)["entry"][1]["fullUrl"].GetString(), "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c");
  EXPECT_STREQ((*m)["entry"][1]["resource"]["intent"].GetString(), "plan");
  EXPECT_STREQ((*m)["entry"][3]["fullUrl"].GetString(), "https://gateway.example.org/fhir/Task/t-1");
}

TEST(reply_message, progress_is_read_from_the_table_with_the_e_rs_state_beside_it) {
  fixture f;
  const auto m = build_reply_message(f.in);
  ASSERT_TRUE(m);
  const auto& sr = (*m)["entry"][1]["resource"];
  EXPECT_STREQ(sr["status"].GetString(), "active");
  EXPECT_STREQ(sr["extension"][0]["url"].GetString(),
               "https://fhir.nhs.uk/StructureDefinition/Extension-eRS-ServiceRequest-State");
  EXPECT_STREQ(sr["extension"][0]["extension"][0]["valueCoding"]["code"].GetString(), "DEFER_TO_PROVIDER");
  const auto& encounter = (*m)["entry"][2]["resource"];
  EXPECT_STREQ((*m)["entry"][2]["fullUrl"].GetString(), "urn:uuid:8c63d621-4d86-4f57-8699-e8e22d49935d");
  EXPECT_STREQ(encounter["status"].GetString(), "triaged");
  EXPECT_STREQ(encounter["class"]["code"].GetString(), "EMER");
  const auto& codings = (*m)["entry"][3]["resource"]["businessStatus"]["coding"];
  ASSERT_EQ(codings.Size(), 2u);
  EXPECT_STREQ(codings[0]["code"].GetString(), "triaged-step-2");
  EXPECT_STREQ(codings[1]["system"].GetString(), "https://fhir.nhs.uk/CodeSystem/eRS-ReferralState");
  EXPECT_STREQ(codings[1]["code"].GetString(), "DEFER_TO_PROVIDER");
}

TEST(reply_message, a_completed_referral_reads_finished_and_ended_closed) {
  fixture f("completed", "discharged");
  const auto m = build_reply_message(f.in);
  ASSERT_TRUE(m);
  EXPECT_TRUE(fhir::validate(*m).ok());
  EXPECT_STREQ((*m)["entry"][1]["resource"]["status"].GetString(), "completed");
  EXPECT_STREQ((*m)["entry"][2]["resource"]["status"].GetString(), "finished");
  EXPECT_STREQ((*m)["entry"][3]["resource"]["businessStatus"]["coding"][1]["code"].GetString(), "ENDED_CLOSED");
}

TEST(reply_message, on_hold_has_no_e_rs_coding_and_a_default_encounter_class) {
  fixture f("on-hold", "contact-attempted");
  f.in.origin.encounter_full_url.clear();
  f.in.origin.encounter_class_code.clear();
  const auto m = build_reply_message(f.in);
  ASSERT_TRUE(m);
  EXPECT_TRUE(fhir::validate(*m).ok());
  EXPECT_FALSE((*m)["entry"][1]["resource"].HasMember("extension"));
  EXPECT_EQ((*m)["entry"][3]["resource"]["businessStatus"]["coding"].Size(), 1u);
  EXPECT_STREQ((*m)["entry"][2]["resource"]["class"]["code"].GetString(), "AMB");
  EXPECT_EQ(std::string((*m)["entry"][2]["fullUrl"].GetString()).rfind("urn:uuid:", 0), 0u);
}

TEST(reply_message, a_feedback_message_without_the_service_request_cannot_become_a_reply) {
  fixture f("accepted", "triaged-step-2", false);
  const auto m = build_reply_message(f.in);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("ServiceRequest"), std::string::npos) << m.error().text();
}

TEST(reply_message, a_conversation_of_another_referral_is_refused) {
  fixture f;
  f.in.origin.service_request_id = "sr-2";
  EXPECT_FALSE(build_reply_message(f.in));
}

TEST(reply_message, the_request_carries_the_bars_headers_and_the_same_bytes_each_time) {
  fixture f;
  const auto r = make_reply_request(f.item, origin(), routing(), "PLT01");
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->url, "https://rnd.example.org/fhir/$process-message");
  EXPECT_EQ(r->request_id, reply_id);                                    // the outbox item's id
  EXPECT_EQ(r->correlation_id, "9562466f-c982-4bd5-bb0e-255e9f5e6689");  // the original's
  const auto target = decode_target_identifier(r->target_identifier);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->value, "2222222222");
  EXPECT_EQ(target->system, "http://fhir.nhs.uk/Id/dos-service-id");  // as the sender wrote it
  const auto again = make_reply_request(f.item, origin(), routing(), "PLT01");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, r->body) << "a retry sends the same bytes";
}

TEST(reply_message, a_reply_that_would_be_invalid_r4_is_never_sent) {
  fixture f;
  conversation c = origin();
  c.original_bundle_id = "not an id!";  // response.identifier is an R4 id
  const auto r = make_reply_request(f.item, c, routing(), "PLT01");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().expression.find("response.identifier"), std::string::npos) << r.error().text();
}

}  // namespace
}  // namespace gateway::bars
