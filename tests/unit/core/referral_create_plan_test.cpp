#include "gateway/core/referral_create_plan.hpp"

#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/transaction_bundle.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace gateway::core;
using gateway::core::fixtures::load_fixture;
using gateway::core::fixtures::parse;
using gateway::core::fixtures::read_text;

namespace {

// The transaction fixture read, normalised and ready to plan, as the API's transaction does.
struct transaction_fixture {
  rapidjson::Document bundle = parse(read_text("tests/data/api/transaction-referral.json"));
  transaction_referral tx;
  referral normalised;
  referral_create_input in;

  transaction_fixture() {
    tx = read_transaction_referral(bundle).value();
    const reference_lookup lookup = [this](std::string_view r) { return tx.resolve(r); };
    normalised = normalise_service_request(*tx.entries[tx.service_request].resource, lookup).value();
    in.service_request = tx.entries[tx.service_request].resource;
    in.normalised = &normalised;
    in.platform_org = "PLT01";
    in.event_source = "urn:test";
    in.ids = {"sr-1", "task-1", "patient-new", "event-1", "audit-1"};
    in.service_request_full_url = tx.entries[tx.service_request].full_url;
    in.patient = tx.entries[*tx.patient].resource;
    in.patient_full_url = tx.entries[*tx.patient].full_url;
    for (const auto& e : tx.entries) {
      if (e.index == tx.service_request || e.index == *tx.patient) continue;
      in.accompanying.push_back({e.resource, "x" + std::to_string(e.index), e.full_url});
    }
  }
};

rapidjson::Document json_of(const resource_write& w) {
  return parse(w.json);
}

std::string ref(const rapidjson::Value& v) {
  return {v["reference"].GetString(), v["reference"].GetStringLength()};
}

}  // namespace

TEST(referral_create_plan, a_plain_create_writes_the_referral_its_patient_and_task) {
  const auto sr = load_fixture("servicerequest-contained.json");
  const auto normalised = normalise_service_request(sr).value();
  referral_create_input in;
  in.service_request = &sr;
  in.normalised = &normalised;
  in.ids = {"sr-1", "task-1", "patient-new", "event-1", "audit-1"};
  const auto plan = plan_referral_create(in);
  ASSERT_EQ(plan.work.writes.size(), 3u);
  EXPECT_EQ(plan.work.writes[plan.service_request_write].type, "ServiceRequest");
  ASSERT_TRUE(plan.patient_write);
  EXPECT_EQ(plan.work.writes[*plan.patient_write].type, "Patient");
  EXPECT_EQ(plan.work.writes[plan.task_write].type, "Task");
  EXPECT_TRUE(plan.accompanying_writes.empty());
  EXPECT_EQ(plan.work.claims.size(), 2u);
  EXPECT_EQ(plan.work.outbox.size(), 1u);
  EXPECT_EQ(plan.work.audits.size(), 1u);
}

TEST(referral_create_plan, a_transaction_stores_every_entry_with_urn_uuid_references_rewritten) {
  transaction_fixture f;
  const auto plan = plan_referral_create(f.in);
  ASSERT_EQ(plan.work.writes.size(), 1u + 1u + 7u + 1u);  // referral, Patient, accompanying, Task
  for (const auto& w : plan.work.writes) {
    EXPECT_EQ(w.json.find("urn:uuid:"), std::string::npos) << w.type << " still names a Bundle entry: " << w.json;
  }

  const auto sr = json_of(plan.work.writes[plan.service_request_write]);
  EXPECT_EQ(ref(sr["subject"]), "Patient/patient-new");
  EXPECT_EQ(ref(sr["requester"]), "PractitionerRole/x3");
  EXPECT_EQ(ref(sr["reasonReference"][0]), "Condition/x5");
  EXPECT_EQ(ref(sr["supportingInfo"][0]), "Observation/x6");
  EXPECT_EQ(ref(sr["supportingInfo"][1]), "QuestionnaireResponse/x7");
  EXPECT_EQ(ref(sr["supportingInfo"][2]), "DocumentReference/x8");

  ASSERT_TRUE(plan.patient_write);
  const auto& patient_write = plan.work.writes[*plan.patient_write];
  EXPECT_EQ(patient_write.id, "patient-new");
  EXPECT_EQ(patient_write.owner_org, "A81001") << "each referring organisation owns its own Patient";
  const auto claim = std::find_if(plan.work.claims.begin(), plan.work.claims.end(),
                                  [](const identifier_claim& c) { return c.resource_type == "Patient"; });
  ASSERT_NE(claim, plan.work.claims.end());
  EXPECT_EQ(claim->owner_org, "A81001") << "the NHS number is claimed per referring organisation";
  EXPECT_EQ(ref(json_of(patient_write)["generalPractitioner"][0]), "Organization/x4");

  ASSERT_EQ(plan.accompanying_writes.size(), 7u);
  const auto& role_write = plan.work.writes[plan.accompanying_writes[1]];
  EXPECT_EQ(role_write.type, "PractitionerRole");
  EXPECT_EQ(role_write.id, "x3");
  EXPECT_EQ(role_write.owner_org, "A81001") << "the referrer's resources belong to the referrer";
  const auto role = json_of(role_write);
  EXPECT_EQ(ref(role["practitioner"]), "Practitioner/x2");
  EXPECT_EQ(ref(role["organization"]), "Organization/x4");
  const auto& observation_write = plan.work.writes[plan.accompanying_writes[4]];
  EXPECT_EQ(observation_write.type, "Observation");
  EXPECT_EQ(ref(json_of(observation_write)["subject"]), "Patient/patient-new");
  bool indexed_patient = false;
  for (const auto& e : observation_write.index)
    indexed_patient |= e.param == "patient" && e.value == "Patient/patient-new";
  EXPECT_TRUE(indexed_patient) << "searchable by the rewritten reference";
}

TEST(referral_create_plan, a_stored_patient_takes_the_place_of_the_bundles_patient_entry) {
  transaction_fixture f;
  f.in.stored_patient_id = "patient-old";
  const auto plan = plan_referral_create(f.in);
  EXPECT_FALSE(plan.patient_write);
  EXPECT_EQ(plan.patient_id, "patient-old");
  EXPECT_EQ(plan.work.writes.size(), 1u + 7u + 1u);
  for (const auto& w : plan.work.writes) EXPECT_NE(w.type, "Patient");
  EXPECT_EQ(ref(json_of(plan.work.writes[plan.service_request_write])["subject"]), "Patient/patient-old");
  const auto condition = json_of(plan.work.writes[plan.accompanying_writes[3]]);
  EXPECT_EQ(ref(condition["subject"]), "Patient/patient-old");
  EXPECT_EQ(plan.work.claims.size(), 1u) << "only the referral identifier: the NHS number is claimed already";
}
