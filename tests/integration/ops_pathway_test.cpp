// Issue 15: the operations page's JSON endpoints on the real gateway. Figures match what was
// seeded through the FHIR API exactly; the CSV export is the same table; bad query input is an
// OperationOutcome naming the parameter; a referrer gets 403 and no figures; every read, refused
// ones included, is audited; no patient identifier is in any answer. (The page itself:
// tests/browser, ctest ops_page_browser_test.)
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "gateway/core/pathway_report.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_test.hpp"

namespace rg::testing {
namespace {

class ops_pathway_test : public gateway_test {
 protected:
  https_client op() {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt",
                        dev_identity(shared_certs_dir(), "operator"));
  }
  static const rapidjson::Value* table(const rapidjson::Document& d, const char* name) {
    if (!d.IsObject() || !d.HasMember("tables")) return nullptr;
    for (const auto& t : d["tables"].GetArray())
      if (std::string(t["name"].GetString()) == name) return &t;
    return nullptr;
  }
  // The descriptions of the AuditEvents recorded for `organisation` (newest first).
  std::vector<std::string> audit_descriptions(const std::string& organisation) {
    auto platform = client("platform");
    const auto page = platform.request("GET", "/fhir/AuditEvent?agent=" + organisation + "&_count=100");
    EXPECT_EQ(page.status, 200) << page.body;
    rapidjson::Document d;
    d.Parse(page.body.c_str());
    std::vector<std::string> out;
    if (d.IsObject() && d.HasMember("entry"))
      for (const auto& e : d["entry"].GetArray())
        if (e["resource"].HasMember("outcomeDesc")) out.push_back(e["resource"]["outcomeDesc"].GetString());
    return out;
  }
};

TEST_F(ops_pathway_test, figures_match_the_referrals_seeded_and_csv_is_the_same_table) {
  auto a = client("practice-a");
  for (const char* n : {"REF-PW-1", "REF-PW-2"})
    ASSERT_EQ(a.request("POST", "/fhir/ServiceRequest", referral_fixture(n)).status, 201);

  auto o = op();
  const auto all = o.request("GET", "/ops/pathway");
  ASSERT_EQ(all.status, 200) << all.body;
  rapidjson::Document d;
  d.Parse(all.body.c_str());
  ASSERT_TRUE(d.IsObject()) << all.body;
  ASSERT_EQ(d["tables"].Size(), std::size(gateway::core::pathway_table_names));
  const auto* per_week = table(d, "referrals_per_week");
  ASSERT_NE(per_week, nullptr);
  ASSERT_EQ((*per_week)["rows"].Size(), 1u) << all.body;
  EXPECT_STREQ((*per_week)["rows"][0][1].GetString(), "A81001");
  EXPECT_EQ((*per_week)["rows"][0][2].GetInt64(), 2);
  const auto* status = table(d, "task_status");
  ASSERT_NE(status, nullptr);
  ASSERT_EQ((*status)["rows"].Size(), 1u);
  EXPECT_STREQ((*status)["rows"][0][0].GetString(), "requested");
  EXPECT_EQ((*status)["rows"][0][1].GetInt64(), 2);
  const auto* waiting = table(d, "not_yet_accepted");  // the fixture's risk answer makes them urgent
  ASSERT_NE(waiting, nullptr);
  EXPECT_EQ((*waiting)["rows"].Size(), 2u);
  // Aggregates only: the fixture's NHS number and name appear nowhere.
  EXPECT_EQ(all.body.find("9434765919"), std::string::npos);
  EXPECT_EQ(all.body.find("Alex"), std::string::npos);

  const auto csv = o.request("GET", "/ops/pathway/referrals_per_week?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.header("content-disposition").find("attachment; filename=\"referrals_per_week_"), std::string::npos);
  EXPECT_EQ(csv.body, "week_start,organisation,referrals\r\n" + std::string((*per_week)["rows"][0][0].GetString()) +
                          ",A81001,2\r\n");
  const auto one = o.request("GET", "/ops/pathway/referrals_per_week?format=json");
  rapidjson::Document single;
  single.Parse(one.body.c_str());
  ASSERT_EQ(one.status, 200);
  ASSERT_EQ(single["tables"].Size(), 1u);
  EXPECT_EQ(single["tables"][0]["rows"][0][2].GetInt64(), 2);

  // A range before the referrals holds none of them.
  const auto past = o.request("GET", "/ops/pathway/referrals_per_week?from=2020-01-01&to=2020-02-01");
  ASSERT_EQ(past.status, 200) << past.body;
  EXPECT_NE(past.body.find("\"rows\":[]"), std::string::npos) << past.body;
}

TEST_F(ops_pathway_test, bad_parameters_answer_an_operation_outcome_naming_the_parameter) {
  auto o = op();
  for (const auto& [target, parameter] :
       std::vector<std::pair<std::string, std::string>>{{"/ops/pathway?from=2026-02-30", "from"},
                                                        {"/ops/pathway?to=tomorrow", "to"},
                                                        {"/ops/pathway?from=2025-01-01&to=2026-06-01", "from"},
                                                        {"/ops/pathway?format=csv", "format"},
                                                        {"/ops/pathway/outbox?nhs=1", "nhs"}}) {
    const auto r = o.request("GET", target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(r.body.find("\"resourceType\":\"OperationOutcome\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"expression\":[\"" + parameter + "\"]"), std::string::npos) << r.body;
  }
  EXPECT_EQ(o.request("GET", "/ops/pathway/no_such_table").status, 404);
}

TEST_F(ops_pathway_test, a_referrer_gets_403_and_every_read_is_audited) {
  auto a = client("practice-a");
  ASSERT_EQ(a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-PW-3")).status, 201);
  for (const char* target : {"/ops/pathway", "/ops/pathway/outbox?format=csv", "/ops/page"}) {
    const auto r = a.request("GET", target);
    EXPECT_EQ(r.status, 403) << target;
    EXPECT_EQ(r.body.find("A81001"), std::string::npos) << r.body;
  }
  auto o = op();
  ASSERT_EQ(o.request("GET", "/ops/pathway/task_status").status, 200);
  const auto operator_events = audit_descriptions("PLT01");
  EXPECT_NE(std::find(operator_events.begin(), operator_events.end(), "GET /ops/pathway/{table} (200)"),
            operator_events.end());
  const auto referrer_events = audit_descriptions("A81001");
  EXPECT_GE(std::count(referrer_events.begin(), referrer_events.end(), "GET /ops (403)"), 3);
}

}  // namespace
}  // namespace rg::testing
