#include "gateway/core/referral_update_plan.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/task_builder.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

namespace {

referral sample_referral(std::string status) {
  referral r;
  r.status = std::move(status);
  r.referrer_identifier = {"https://fhir.a81001.example.org/referral", "REF-1"};
  r.requester_ods = "A81001";
  r.nhs_number = "9434765919";
  return r;
}

rapidjson::Document task_with_status(const char* status) {
  auto t = build_initial_task({"ServiceRequest/sr1", "Patient/p1", "A81001", "PLT01", "2024-05-01T10:00:00Z", {}});
  t.AddMember("id", "t1", t.GetAllocator());
  t["status"].SetString(status, t.GetAllocator());
  return t;
}

struct fixture {
  rapidjson::Document incoming = fixtures::load_fixture("servicerequest-contained.json");
  referral now = sample_referral("active");
  referral before = sample_referral("active");
  resource_record stored{"ServiceRequest", "sr1", 3, "2024-05-01T10:00:00.000Z", "A81001", "{}", false};
  rapidjson::Document task = task_with_status("requested");
  referral_update_input in;

  fixture() {
    set_incoming_status("active");
    incoming["id"].SetString("sr1", incoming.GetAllocator());
    in.id = "sr1";
    in.incoming = &incoming;
    in.normalised = &now;
    in.stored = &stored;
    in.stored_normalised = &before;
    in.patient_id = "p1";
    in.task = stored_task_ref{&task, 5, "A81001"};
    in.event_source = "urn:test";
    in.event_id = "e1";
    in.audit_id = "a1";
    in.now = std::chrono::sys_days{std::chrono::year{2024} / 5 / 2};
  }
  void set_incoming_status(const char* status) {
    incoming["status"].SetString(status, incoming.GetAllocator());
    now.status = status;
  }
};

}  // namespace

TEST(referral_update_plan, an_update_replaces_the_referral_at_the_version_read_and_announces_it) {
  fixture f;
  auto plan = plan_referral_update(f.in);
  ASSERT_TRUE(plan) << plan.error().text();
  ASSERT_EQ(plan->work.writes.size(), 1u) << "the Task is left alone";
  const auto& w = plan->work.writes[plan->service_request_write];
  EXPECT_EQ(w.kind, write_kind::update);
  EXPECT_EQ(w.id, "sr1");
  EXPECT_EQ(w.expected_version, 3);
  EXPECT_EQ(w.owner_org, "A81001");
  const auto sr = fixtures::parse(w.json);
  EXPECT_EQ(fhir::json::string_member(sr["subject"], "reference"), "Patient/p1")
      << "the subject stays the stored Patient";
  for (const auto& c : fhir::json::each(sr, "contained"))
    EXPECT_NE(fhir::json::string_member(c, "resourceType"), "Patient");
  ASSERT_EQ(plan->work.outbox.size(), 1u);
  EXPECT_EQ(plan->event, referral_event_type::updated);
  EXPECT_NE(plan->work.outbox[0].payload.find("\"type\":\"referral.updated\""), std::string::npos);
  EXPECT_EQ(plan->work.outbox[0].ordering_key, "sr1");
  ASSERT_EQ(plan->work.audits.size(), 1u);
  EXPECT_EQ(plan->work.audits[0].action, audit_action::update);
}

TEST(referral_update_plan, revoking_cancels_the_task_in_the_same_unit) {
  fixture f;
  f.set_incoming_status("revoked");
  auto plan = plan_referral_update(f.in);
  ASSERT_TRUE(plan) << plan.error().text();
  ASSERT_TRUE(plan->task_write);
  const auto& w = plan->work.writes[*plan->task_write];
  EXPECT_EQ(w.type, "Task");
  EXPECT_EQ(w.id, "t1");
  EXPECT_EQ(w.expected_version, 5);
  const auto task = fixtures::parse(w.json);
  EXPECT_EQ(fhir::json::string_member(task, "status"), "cancelled");
  EXPECT_EQ(fhir::json::string_member(task, "lastModified"), "2024-05-02T00:00:00Z");
  EXPECT_EQ(plan->event, referral_event_type::cancelled);
  EXPECT_NE(plan->work.outbox[0].payload.find("\"type\":\"referral.cancelled\""), std::string::npos);
}

TEST(referral_update_plan, revoking_leaves_a_finished_task_as_it_is) {
  fixture f;
  f.task = task_with_status("completed");
  f.set_incoming_status("revoked");
  auto plan = plan_referral_update(f.in);
  ASSERT_TRUE(plan) << plan.error().text();
  EXPECT_FALSE(plan->task_write);
  EXPECT_EQ(plan->work.writes.size(), 1u);
  EXPECT_EQ(plan->event, referral_event_type::cancelled);
}

TEST(referral_update_plan, the_referral_identifier_may_not_change) {
  fixture f;
  f.now.referrer_identifier.value = "REF-2";
  auto plan = plan_referral_update(f.in);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, error_kind::unprocessable);
  EXPECT_EQ(plan.error().expression, "ServiceRequest.identifier");
}

TEST(referral_update_plan, the_patient_and_the_requester_may_not_change) {
  fixture f;
  f.now.nhs_number = "9876543210";
  auto plan = plan_referral_update(f.in);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().expression, "ServiceRequest.subject");

  fixture g;
  g.now.requester_ods = "B82002";
  plan = plan_referral_update(g.in);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().expression, "ServiceRequest.requester");
}

TEST(referral_update_plan, a_revoked_referral_can_no_longer_change_and_ids_must_agree) {
  fixture f;
  f.before.status = "revoked";
  auto plan = plan_referral_update(f.in);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().expression, "ServiceRequest.status");

  fixture g;
  g.incoming["id"].SetString("other", g.incoming.GetAllocator());
  plan = plan_referral_update(g.in);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, error_kind::invalid);
  EXPECT_EQ(plan.error().expression, "ServiceRequest.id");
}

TEST(referral_update_plan, task_after_revocation_follows_the_state_machine) {
  EXPECT_TRUE(task_after_revocation(task_with_status("in-progress"), "2024-05-02T00:00:00Z"));
  EXPECT_TRUE(task_after_revocation(task_with_status("on-hold"), "2024-05-02T00:00:00Z"));
  EXPECT_FALSE(task_after_revocation(task_with_status("cancelled"), "2024-05-02T00:00:00Z"));
  EXPECT_FALSE(task_after_revocation(task_with_status("rejected"), "2024-05-02T00:00:00Z"));
}
