#include "gateway/core/search_index.hpp"

#include "gateway/core/task_builder.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace gateway::core;

namespace {

std::vector<std::string> values(const std::vector<index_entry>& entries, std::string_view param) {
  std::vector<std::string> out;
  for (const auto& e : entries)
    if (e.param == param) out.push_back(e.value);
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST(search_index, service_request_entries) {
  auto sr = fixtures::load_fixture("servicerequest-logical.json");
  // As stored: the gateway points subject at the stored Patient.
  sr["subject"].SetObject();
  sr["subject"].AddMember("reference", "Patient/p1", sr.GetAllocator());
  const auto idx = search_index_entries(sr, "ORG-A");
  EXPECT_EQ(values(idx, "identifier"), (strings{"https://fhir.b82002.example.org/referral|B-77", "B-77"}));
  EXPECT_EQ(values(idx, "patient"), strings{"Patient/p1"});
  EXPECT_EQ(values(idx, "status"), strings{"active"});
  EXPECT_EQ(values(idx, "requester"), strings{"https://fhir.nhs.uk/Id/ods-organization-code|B82002"});
  EXPECT_EQ(values(idx, "authored"), strings{"2024-04-02T07:15:00Z"});  // +01:00 normalised to UTC
  EXPECT_EQ(values(idx, "_owner+status"), strings{"ORG-A\x1f"
                                                  "active"});
  // Outcomes are not listed by owner and status: no such row.
  const auto obs = fixtures::parse(R"({"resourceType":"Observation","status":"final"})");
  EXPECT_EQ(values(search_index_entries(obs, "ORG-A"), "_owner+status"), strings{});
}

TEST(search_index, task_entries_with_priority_rank) {
  struct row {
    const char* priority;
    const char* rank;
  };
  for (const auto& r : {row{"stat", "0"}, row{"asap", "1"}, row{"urgent", "2"}, row{"routine", "3"}}) {
    initial_task_input in{"ServiceRequest/sr1", "Patient/p1", "A81001", "PLAT01", "2024-05-01T10:00:00Z", {}};
    in.triage.priority = *parse_request_priority(r.priority);
    const auto task = build_initial_task(in);
    const auto idx = search_index_entries(task, "ORG-A");
    EXPECT_EQ(values(idx, "priority"), strings{});  // searched through priority-rank
    EXPECT_EQ(values(idx, "priority-rank"), strings{r.rank});
    EXPECT_EQ(values(idx, "based-on"), strings{"ServiceRequest/sr1"});
    EXPECT_EQ(values(idx, "focus"), strings{"ServiceRequest/sr1"});
    EXPECT_EQ(values(idx, "patient"), strings{"Patient/p1"});
    EXPECT_EQ(values(idx, "status"), strings{"requested"});
    EXPECT_EQ(values(idx, "business-status"),
              strings{"https://referral-gateway.example.org/fhir/CodeSystem/business-status|awaiting-triage"});
    EXPECT_EQ(values(idx, "owner"), strings{"https://fhir.nhs.uk/Id/ods-organization-code|PLAT01"});
    EXPECT_EQ(values(idx, "requester"), strings{"https://fhir.nhs.uk/Id/ods-organization-code|A81001"});
    EXPECT_EQ(values(idx, "authored-on"), strings{"2024-05-01T10:00:00Z"});
    // The owner's list by status: owner, separator, status (search_pairs.hpp).
    EXPECT_EQ(values(idx, "_owner+status"), strings{"ORG-A\x1frequested"});
    // The work queue's paired row: status, separator, rank (search_pairs.hpp).
    EXPECT_EQ(values(idx, "status+priority-rank"), strings{std::string("requested\x1f") + r.rank});
  }
  // A Task without priority sorts as routine.
  const auto bare = fixtures::parse(R"({"resourceType":"Task","status":"requested"})");
  EXPECT_EQ(values(search_index_entries(bare, "ORG-A"), "priority-rank"), strings{"3"});
  EXPECT_EQ(values(search_index_entries(bare, "ORG-A"), "status+priority-rank"), strings{"requested\x1f"
                                                                                         "3"});
  // Without a status there is nothing to pair.
  const auto no_status = fixtures::parse(R"({"resourceType":"Task","priority":"urgent"})");
  EXPECT_EQ(values(search_index_entries(no_status, "ORG-A"), "status+priority-rank"), strings{});
}

TEST(search_index, business_status_of_other_systems_keeps_both_forms) {
  const auto t = fixtures::parse(
      R"({"resourceType":"Task","businessStatus":{"coding":[{"system":"http://example.org/bs","code":"x"}]}})");
  EXPECT_EQ(values(search_index_entries(t, "ORG-A"), "business-status"), (strings{"http://example.org/bs|x", "x"}));
}

TEST(search_index, query_values_ask_for_every_stored_form) {
  const std::string bs = "https://referral-gateway.example.org/fhir/CodeSystem/business-status";
  const std::string ods = "https://fhir.nhs.uk/Id/ods-organization-code";
  EXPECT_EQ(index_query_values("business-status", {"received", bs + "|received"}),
            (strings{"received", bs + "|received", bs + "|received"}));
  EXPECT_EQ(index_query_values("owner", {"PLAT01", "Organization/PLAT01", ods + "|PLAT01"}),
            (strings{"PLAT01", ods + "|PLAT01", "Organization/PLAT01", ods + "|PLAT01"}));
  EXPECT_EQ(index_query_values("requester", {"A81001"}), (strings{"A81001", ods + "|A81001"}));
  EXPECT_EQ(index_query_values("priority-rank", {"stat", "urgent", "routine", "3"}), (strings{"0", "2", "3", ""}));
  EXPECT_EQ(index_query_values("status", {"active"}), strings{"active"});
}

TEST(search_index, outcomes_index_their_referral) {
  struct row {
    const char* json;
    strings based_on;
  };
  const row rows[] = {
      {R"({"resourceType":"Observation","status":"final","basedOn":[{"reference":"ServiceRequest/sr1"}],
           "subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]}})",
       {"ServiceRequest/sr1"}},
      {R"({"resourceType":"QuestionnaireResponse","basedOn":[{"reference":"ServiceRequest/sr2"}]})",
       {"ServiceRequest/sr2"}},
      {R"({"resourceType":"DocumentReference","context":{"related":[{"reference":"ServiceRequest/sr3"}]}})",
       {"ServiceRequest/sr3"}},
  };
  for (const auto& r : rows) {
    const auto doc = fixtures::parse(r.json);
    EXPECT_EQ(values(search_index_entries(doc, "ORG-A"), "based-on"), r.based_on) << r.json;
  }
  const auto obs = fixtures::parse(rows[0].json);
  const auto idx = search_index_entries(obs, "ORG-A");
  EXPECT_EQ(values(idx, "code"), (strings{"http://loinc.org|44261-6", "44261-6"}));
  EXPECT_EQ(values(idx, "patient"), strings{"Patient/p1"});
  EXPECT_TRUE(search_index_entries(fixtures::parse(R"({"resourceType":"Patient","id":"x"})"), "ORG-A").empty());
}
