#include "gateway/core/platform_update_plan.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/task_builder.hpp"
#include "test_data.hpp"

#include "fhir/validator.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

namespace {

const code_system& business_status() {
  static const code_system cs = load_code_system(embedded::business_status_code_system_json()).value();
  return cs;
}

const code_system& outcome_codes() {
  static const code_system cs = load_code_system(embedded::outcome_summary_code_system_json()).value();
  return cs;
}

rapidjson::Document with_id(rapidjson::Document d, const char* id) {
  d.RemoveMember("id");
  d.AddMember("id", rapidjson::Value(id, d.GetAllocator()), d.GetAllocator());
  return d;
}

rapidjson::Document score(const char* id, const char* loinc, int value, const char* when) {
  return fixtures::parse(std::string(R"({"resourceType":"Observation","id":")") + id +
                         R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")" + loinc +
                         R"("}]},"subject":{"reference":"Patient/p1"},"basedOn":[{"reference":"ServiceRequest/sr1"}],)"
                         R"("effectiveDateTime":")" +
                         when + R"(","valueInteger":)" + std::to_string(value) + "}");
}

struct fixture {
  rapidjson::Document sr =
      with_id(stored_service_request(fixtures::load_fixture("servicerequest-contained.json"), "p1"), "sr1");
  rapidjson::Document task = with_id(
      build_initial_task({"ServiceRequest/sr1", "Patient/p1", "A81001", "PLT01", "2024-05-01T10:00:00Z", {}}), "t1");
  resource_record stored{"Task", "t1", 4, "2024-05-01T10:00:00.000Z", "A81001", "{}", false};
  feedback_settings feedback{"5f0e2a4b-1c3d-4e5f-8a7b-9c0d1e2f3a4b",
                             "urn:test",
                             "https://gw.example.org/fhir",
                             {"A81001", "", false},
                             &outcome_codes()};
  std::chrono::system_clock::time_point now = std::chrono::sys_days{std::chrono::year{2024} / 5 / 2};

  task_change change_to(const char* status) {
    rapidjson::Document incoming;
    incoming.CopyFrom(task, incoming.GetAllocator());
    incoming["status"].SetString(status, incoming.GetAllocator());
    return merge_task_update(task, incoming, business_status(), "2024-05-02T00:00:00Z").value();
  }
};

rapidjson::Document message_of(const unit_of_work& work) {
  EXPECT_EQ(work.outbox.size(), 1u);
  return fixtures::parse(work.outbox.at(0).payload);
}

}  // namespace

TEST(platform_update_plan, a_task_change_is_written_at_the_version_read_with_a_status_update) {
  fixture f;
  auto change = f.change_to("received");
  task_update_input in{&f.stored, &change, &f.sr, {}, f.feedback, f.now, "a1", {}};
  auto plan = plan_task_update(in);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->event, feedback_event::status_update);
  const auto& w = plan->work.writes[plan->resource_write];
  EXPECT_EQ(w.kind, write_kind::update);
  EXPECT_EQ(w.expected_version, 4);
  EXPECT_EQ(w.owner_org, "A81001");
  EXPECT_EQ(fhir::json::string_member(fixtures::parse(w.json), "status"), "received");
  const auto m = message_of(plan->work);
  EXPECT_TRUE(fhir::validate(m).ok());
  EXPECT_EQ(fhir::json::string_member(m["entry"][0]["resource"]["eventCoding"], "code"), "status-update");
  const auto& shown = m["entry"][1]["resource"];
  EXPECT_EQ(fhir::json::string_member(shown, "status"), "received");
  EXPECT_EQ(fhir::json::string_member(shown["meta"], "versionId"), "5") << "the version this commit writes";
  EXPECT_EQ(plan->work.outbox[0].id, f.feedback.message_id);
  EXPECT_EQ(plan->work.audits.size(), 1u);
}

TEST(platform_update_plan, completing_the_task_reports_outcomes_with_the_summary) {
  fixture f;
  f.task["status"].SetString("in-progress", f.task.GetAllocator());
  auto change = f.change_to("completed");
  const auto a = score("o1", "44261-6", 18, "2024-03-01T09:00:00Z");
  const auto b = score("o2", "44261-6", 7, "2024-05-01T09:00:00Z");
  task_update_input in{&f.stored, &change, &f.sr, {&a, &b}, f.feedback, f.now, "a1", {}};
  auto plan = plan_task_update(in);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->event, feedback_event::outcome_report);
  const auto m = message_of(plan->work);
  EXPECT_TRUE(fhir::validate(m).ok());
  EXPECT_EQ(fhir::json::string_member(m["entry"][0]["resource"]["eventCoding"], "code"), "outcome-report");
  EXPECT_EQ(fhir::json::string_member(m["entry"][2]["resource"], "id"), "o1");
  EXPECT_EQ(fhir::json::string_member(m["entry"][3]["resource"], "id"), "o2");
  const auto& last = m["entry"][m["entry"].Size() - 1]["resource"];
  EXPECT_EQ(fhir::json::string_member(last, "resourceType"), "Communication");
  EXPECT_NE(fhir::json::string_member(last["payload"][0], "contentString").find("18"), std::string_view::npos);
}

TEST(platform_update_plan, a_posted_outcome_is_owned_by_the_referrer_and_reported) {
  fixture f;
  const auto earlier = score("o1", "44261-6", 18, "2024-03-01T09:00:00Z");
  auto posted = score("ignored", "44261-6", 7, "2024-05-01T09:00:00Z");
  outcome_post_input in{&posted, "o9", "A81001", &f.sr, &f.task, {&earlier}, f.feedback, f.now, "a1", {}};
  auto plan = plan_outcome_post(in);
  ASSERT_TRUE(plan);
  const auto& w = plan->work.writes[plan->resource_write];
  EXPECT_EQ(w.kind, write_kind::create);
  EXPECT_EQ(w.type, "Observation");
  EXPECT_EQ(w.id, "o9");
  EXPECT_EQ(w.owner_org, "A81001");
  bool indexed_by_referral = false;
  for (const auto& e : w.index) indexed_by_referral |= e.param == "based-on" && e.value == "ServiceRequest/sr1";
  EXPECT_TRUE(indexed_by_referral);
  const auto m = message_of(plan->work);
  EXPECT_TRUE(fhir::validate(m).ok());
  EXPECT_EQ(fhir::json::string_member(m["entry"][2]["resource"], "id"), "o9");
  bool recovery_known = false;
  for (const auto& e : m["entry"].GetArray()) {
    const auto& r = e["resource"];
    if (fhir::json::string_member(r, "resourceType") == "Observation" && r.HasMember("derivedFrom"))
      recovery_known |= r["derivedFrom"].Size() == 2;
  }
  EXPECT_TRUE(recovery_known) << "the summary uses the earlier score and the posted one";
}
