#include "gateway/core/feedback_message.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/task_builder.hpp"
#include "test_data.hpp"

#include "fhir/validator.hpp"

#include <gtest/gtest.h>

#include <regex>

using namespace gateway::core;

namespace {

const char* const message_id = "7d3f3c1e-5b1a-4c2e-9f0a-2b6c8d9e0f11";

const code_system& outcome_codes() {
  static const code_system cs = load_code_system(embedded::outcome_summary_code_system_json()).value();
  return cs;
}

void set_id(rapidjson::Document& d, const char* id) {
  d.RemoveMember("id");
  d.AddMember("id", rapidjson::Value(id, d.GetAllocator()), d.GetAllocator());
}

// The contained-Patient fixture as stored: its other contained resources name the stored Patient.
rapidjson::Document stored_referral() {
  auto sr = stored_service_request(fixtures::load_fixture("servicerequest-contained.json"), "p1");
  set_id(sr, "sr1");
  return sr;
}

rapidjson::Document stored_task() {
  auto t = build_initial_task({"ServiceRequest/sr1", "Patient/p1", "A81001", "PLT01", "2024-05-01T10:00:00Z", {}});
  set_id(t, "t1");
  return t;
}

rapidjson::Document score(const char* id, const char* loinc, int value, const char* when) {
  auto d =
      fixtures::parse(std::string(R"({"resourceType":"Observation","id":")") + id +
                      R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")" + loinc +
                      R"("}]},"subject":{"reference":"Patient/p1"},"basedOn":[{"reference":"ServiceRequest/sr1"}],)"
                      R"("effectiveDateTime":")" +
                      when + R"(","valueInteger":)" + std::to_string(value) + "}");
  return d;
}

struct fixture {
  rapidjson::Document sr = stored_referral();
  rapidjson::Document task = stored_task();
  feedback_message_input in;
  fixture() {
    in.message_id = message_id;
    in.event = feedback_event::status_update;
    in.timestamp = "2024-05-02T09:00:00Z";
    in.source_endpoint = "urn:referral-gateway:test";
    in.base_url = "https://gateway.example.org/fhir";
    in.destination = {"A81001", "", false};
    in.task = &task;
    in.service_request = &sr;
  }
};

std::string dump(const fhir::outcome& o) {
  std::string s;
  for (const auto& i : o.issues)
    s += std::string(fhir::to_string(i.severity)) + " " + i.expression + ": " + i.diagnostics + "\n";
  return s;
}

std::vector<std::string> entry_types(const rapidjson::Value& bundle) {
  std::vector<std::string> types;
  for (const auto& e : bundle["entry"].GetArray())
    types.emplace_back(fhir::json::string_member(e["resource"], "resourceType"));
  return types;
}

}  // namespace

TEST(feedback_message, status_update_is_a_valid_message_bundle_with_the_message_header_first) {
  fixture f;
  const auto m = build_feedback_message(f.in);
  const auto checked = fhir::validate(m);
  EXPECT_TRUE(checked.ok()) << dump(checked);
  EXPECT_EQ(fhir::json::string_member(m, "type"), "message");
  EXPECT_EQ(entry_types(m), (std::vector<std::string>{"MessageHeader", "Task"}))
      << "the ServiceRequest only referenced";

  const auto& header = m["entry"][0]["resource"];
  EXPECT_EQ(fhir::json::string_member(header, "id"), message_id);
  EXPECT_EQ(fhir::json::string_member(m["entry"][0], "fullUrl"), std::string("urn:uuid:") + message_id);
  EXPECT_EQ(fhir::json::string_member(header["eventCoding"], "system"), systems::message_event);
  EXPECT_EQ(fhir::json::string_member(header["eventCoding"], "code"), "status-update");
  EXPECT_EQ(fhir::json::string_member(header["source"], "endpoint"), "urn:referral-gateway:test");
  EXPECT_EQ(fhir::json::string_member(header["destination"][0], "endpoint"), "urn:ods:A81001");
  EXPECT_EQ(fhir::json::string_member(header["focus"][0], "reference"), "Task/t1");
  EXPECT_EQ(fhir::json::string_member(header["focus"][1], "reference"), "ServiceRequest/sr1");
  EXPECT_FALSE(header.HasMember("response")) << "a feedback message is not a reply";
  EXPECT_EQ(fhir::json::string_member(m["entry"][1], "fullUrl"), "https://gateway.example.org/fhir/Task/t1");
}

TEST(feedback_message, the_configured_endpoint_and_the_full_service_request_when_asked_for) {
  fixture f;
  f.in.destination = {"A81001", "https://practice-a.example.org/fhir/$process-message", true};
  const auto m = build_feedback_message(f.in);
  const auto checked = fhir::validate(m);
  EXPECT_TRUE(checked.ok()) << dump(checked);
  EXPECT_EQ(entry_types(m), (std::vector<std::string>{"MessageHeader", "Task", "ServiceRequest"}));
  EXPECT_EQ(fhir::json::string_member(m["entry"][0]["resource"]["destination"][0], "endpoint"),
            "https://practice-a.example.org/fhir/$process-message");
  EXPECT_EQ(fhir::json::string_member(m["entry"][2], "fullUrl"), "https://gateway.example.org/fhir/ServiceRequest/sr1");
}

TEST(feedback_message, outcome_report_carries_the_outcomes_and_the_summary_and_stays_valid) {
  fixture f;
  const auto a = score("o1", "44261-6", 18, "2024-03-01T09:00:00Z");
  const auto b = score("o2", "44261-6", 7, "2024-05-01T09:00:00Z");
  const auto c = score("o3", "70274-6", 15, "2024-03-01T09:00:00Z");
  const auto d = score("o4", "70274-6", 6, "2024-05-01T09:00:00Z");
  const rapidjson::Value* all[] = {&a, &b, &c, &d};
  const outcome_summary summary = summarise_outcomes(scores_from_observations(all));
  f.in.event = feedback_event::outcome_report;
  f.in.outcomes = {&a, &b, &c, &d, &b};  // a repeat appears once (bdl-7)
  f.in.summary = &summary;
  f.in.summary_codes = &outcome_codes();
  f.in.patient_reference = "Patient/p1";
  const auto m = build_feedback_message(f.in);
  const auto checked = fhir::validate(m);
  EXPECT_TRUE(checked.ok()) << dump(checked);
  EXPECT_EQ(fhir::json::string_member(m["entry"][0]["resource"]["eventCoding"], "code"), "outcome-report");
  EXPECT_EQ(entry_types(m),
            (std::vector<std::string>{"MessageHeader", "Task", "Observation", "Observation", "Observation",
                                      "Observation", "Observation", "Observation", "Observation", "Observation",
                                      "Observation", "Observation", "Communication"}));
  const auto& narrative = m["entry"][12]["resource"];
  EXPECT_NE(fhir::json::string_member(narrative["payload"][0], "contentString").find("PHQ-9 18"),
            std::string_view::npos);
  const std::regex uuid("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (rapidjson::SizeType i = 6; i < 13; ++i) {
    const std::string full_url(fhir::json::string_member(m["entry"][i], "fullUrl"));
    EXPECT_TRUE(std::regex_match(full_url, uuid)) << full_url;
    EXPECT_EQ(full_url, "urn:uuid:" + std::string(fhir::json::string_member(m["entry"][i]["resource"], "id")));
  }
}

TEST(feedback_message, the_same_input_builds_the_same_message_and_ids_follow_the_message_id) {
  fixture f;
  const auto a = score("o1", "44261-6", 18, "2024-03-01T09:00:00Z");
  const rapidjson::Value* all[] = {&a};
  const outcome_summary summary = summarise_outcomes(scores_from_observations(all));
  f.in.event = feedback_event::outcome_report;
  f.in.outcomes = {&a};
  f.in.summary = &summary;
  f.in.summary_codes = &outcome_codes();
  f.in.patient_reference = "Patient/p1";
  const std::string first = json::serialise(build_feedback_message(f.in));
  EXPECT_EQ(first, json::serialise(build_feedback_message(f.in)));
  f.in.message_id = "0b8e4f5a-3c2d-4e1f-8a9b-7c6d5e4f3a2b";
  const auto other = build_feedback_message(f.in);
  EXPECT_EQ(fhir::json::string_member(other["entry"][0]["resource"], "id"), f.in.message_id);
  EXPECT_EQ(first.find(fhir::json::string_member(other["entry"][3], "fullUrl")), std::string::npos)
      << "summary ids differ between messages";
  EXPECT_EQ(derived_uuid(message_id, 1), derived_uuid(message_id, 1));
  EXPECT_NE(derived_uuid(message_id, 1), derived_uuid(message_id, 2));
}

TEST(feedback_message, the_outbox_item_is_keyed_for_ordering_per_referral) {
  fixture f;
  auto item = make_feedback_item(f.in);
  ASSERT_TRUE(item) << dump(item.error());
  EXPECT_EQ(item->id, message_id);
  EXPECT_EQ(item->channel, "feedback");
  EXPECT_EQ(item->destination, "A81001");
  EXPECT_EQ(item->ordering_key, "sr1");
  EXPECT_EQ(item->content_type, "application/fhir+json");
  const auto payload = fixtures::parse(item->payload);
  EXPECT_TRUE(fhir::validate(payload).ok());
  EXPECT_EQ(fhir::json::string_member(payload["entry"][0]["resource"], "id"), item->id);
}

TEST(feedback_message, an_invalid_message_is_refused_not_queued) {
  fixture f;
  f.task.RemoveMember("status");
  f.task.AddMember("status", 42, f.task.GetAllocator());
  const auto item = make_feedback_item(f.in);
  ASSERT_FALSE(item);
  EXPECT_FALSE(item.error().ok());
}

TEST(feedback_message, the_event_code_system_in_config_defines_both_events) {
  const auto cs = load_code_system(fixtures::read_text("config/codesystem-message-event.json"));
  ASSERT_TRUE(cs) << cs.error().text();
  EXPECT_EQ(cs->url(), systems::message_event);
  EXPECT_TRUE(cs->find(to_string(feedback_event::status_update)));
  EXPECT_TRUE(cs->find(to_string(feedback_event::outcome_report)));
}
