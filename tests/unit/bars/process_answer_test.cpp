#include "adapters/bars/process_answer.hpp"

#include <gtest/gtest.h>

#include "bars_test_data.hpp"
#include "fhir/validator.hpp"

namespace gateway::bars {
namespace {

rapidjson::Document stored_sr(const std::string& status) {
  return test::parse(R"({"resourceType":"ServiceRequest","id":"sr-1","meta":{"versionId":"1"},
    "identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c"}],
    "status":")" + status +
                     R"(","intent":"order","subject":{"reference":"Patient/p-1"}})");
}

rapidjson::Document stored_task(const std::string& status) {
  return test::parse(R"({"resourceType":"Task","id":"t-1","meta":{"versionId":"1"},"status":")" + status +
                     R"(","intent":"order","basedOn":[{"reference":"ServiceRequest/sr-1"}]})");
}

answer_input input(const rapidjson::Value& sr, const rapidjson::Value& task) {
  answer_input in;
  in.message_id = "0d6f3b6e-2a8e-4e27-9d1c-7c5b8f3a9e10";
  in.timestamp = "2024-05-01T10:00:00.000Z";
  in.origin.service_request_id = "sr-1";
  in.origin.original_bundle_id = "86e3371d-1c15-4862-9552-d9560f8292ba";
  in.origin.correlation_id = "9562466f-c982-4bd5-bb0e-255e9f5e6689";
  in.origin.source_endpoint = "https://fhir.nhs.uk/Id/dos-service-id|2222222222";
  in.origin.destination_endpoint = "https://fhir.nhs.uk/Id/dos-service-id|111111111";
  in.origin.service_request_uuid = "236bb75d-90ef-461f-b71e-fde7f899802c";
  in.referrer_ods = "A81001";
  in.platform_ods = "PLT01";
  in.base_url = "https://gateway.example.org/fhir";
  in.service_request = &sr;
  in.task = &task;
  return in;
}

TEST(process_answer, a_new_referral_is_answered_with_its_state_and_the_notes_as_details) {
  const auto sr = stored_sr("active");
  const auto task = stored_task("requested");
  auto in = input(sr, task);
  in.notes.push_back({fhir::severity::warning, fhir::issue_code::value, "read as https://fhir.nhs.uk/Id/...",
                      "Bundle.entry[3].resource.identifier[0].system"});
  const auto answer = build_process_answer(in);
  const auto checked = fhir::validate(answer);
  EXPECT_TRUE(checked.ok()) << checked.issues.at(0).expression << ": " << checked.issues.at(0).diagnostics;
  const auto& header = answer["entry"][0]["resource"];
  EXPECT_STREQ(header["response"]["identifier"].GetString(), "86e3371d-1c15-4862-9552-d9560f8292ba");
  EXPECT_STREQ(header["response"]["code"].GetString(), "ok");
  EXPECT_STREQ(answer["entry"][1]["resource"]["status"].GetString(), "active");
  EXPECT_STREQ(answer["entry"][2]["resource"]["status"].GetString(), "planned");
  EXPECT_STREQ(answer["entry"][3]["fullUrl"].GetString(), "https://gateway.example.org/fhir/Task/t-1");
  const auto& last = answer["entry"][answer["entry"].Size() - 1];
  EXPECT_STREQ(header["response"]["details"]["reference"].GetString(), last["fullUrl"].GetString());
  EXPECT_STREQ(last["resource"]["resourceType"].GetString(), "OperationOutcome");
  EXPECT_STREQ(last["resource"]["issue"][0]["severity"].GetString(), "warning");
}

TEST(process_answer, a_cancellation_is_answered_revoked_and_cancelled_without_details) {
  const auto sr = stored_sr("revoked");
  const auto task = stored_task("cancelled");
  const auto answer = build_process_answer(input(sr, task));
  EXPECT_TRUE(fhir::validate(answer).ok());
  EXPECT_FALSE(answer["entry"][0]["resource"]["response"].HasMember("details"));
  EXPECT_STREQ(answer["entry"][1]["resource"]["status"].GetString(), "revoked");
  EXPECT_STREQ(answer["entry"][2]["resource"]["status"].GetString(), "cancelled");
  EXPECT_EQ(answer["entry"].Size(), 4u);
}

}  // namespace
}  // namespace gateway::bars
