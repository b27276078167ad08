// The service level for urgent referrals through the real binary (issue 9 item 3): with a short
// service level and check interval set by configuration (triage.urgent_accept_ms,
// triage.overdue_check_ms), an urgent referral (PHQ-9 item 9 = 2: risk-to-self) that nobody
// accepts raises a referral.overdue event and gateway_referrals_overdue_total once, and again only
// after each further period; accepting its Task stops the notices; a routine referral never has
// any. Everything waits on what the gateway wrote (events file, /metrics, the Task), never on time.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/json_answers.hpp"

namespace rg::testing {
namespace {

constexpr int period_seconds = 3;

// Seconds since the epoch of a FHIR instant as the gateway writes it ("2024-05-01T09:00:00Z").
std::int64_t seconds_of(const std::string& instant) {
  std::tm tm{};
  std::istringstream in(instant);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return in.fail() ? -1 : static_cast<std::int64_t>(timegm(&tm));
}

struct overdue_notice {
  std::int64_t number = 0;
  std::int64_t time = 0;
};

class service_level_test : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<child_process>(gateway_args(
        shared_certs_dir(), dir_,
        {"triage.urgent_accept_ms=" + std::to_string(period_seconds * 1000), "triage.overdue_check_ms=1000"}));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }

  https_client client(const std::string& who) const {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt", dev_identity(shared_certs_dir(), who));
  }

  std::string refer(const std::string& body) {
    const auto r = client("practice-a").request("POST", "/fhir/ServiceRequest", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return string_at(parse(r.body), "id");
  }

  rapidjson::Document task_of(const std::string& sr_id) const {
    const auto search = parse(client("platform").request("GET", "/fhir/Task?based-on=ServiceRequest/" + sr_id).body);
    rapidjson::Document task;
    if (search.IsObject() && search.HasMember("entry") && !search["entry"].Empty()) {
      task.CopyFrom(search["entry"][0]["resource"], task.GetAllocator());
    }
    return task;
  }

  // The referral.overdue events for one referral, in the order the file has them.
  std::vector<overdue_notice> notices_for(const std::string& sr_id) const {
    std::vector<overdue_notice> out;
    for (const auto& line : event_file_lines(dir_.str("events.jsonl"))) {
      const auto e = parse(line);
      if (string_at(e, "type") != "referral.overdue" || string_at(e, "subject") != "ServiceRequest/" + sr_id) continue;
      const auto& data = e["data"];
      out.push_back({data.HasMember("notice") && data["notice"].IsInt64() ? data["notice"].GetInt64() : -1,
                     seconds_of(string_at(e, "time"))});
    }
    return out;
  }

  double metric(const std::string& series) const {
    return metric_value(http_get(gateway_->port("ops"), "/metrics").body, series);
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

std::size_t overdue_inputs(const rapidjson::Value& task) {
  std::size_t n = 0;
  if (!task.IsObject() || !task.HasMember("input")) return 0;
  for (const auto& input : task["input"].GetArray()) {
    if (serialise(input).find("\"code\":\"overdue-notice\"") != std::string::npos) ++n;
  }
  return n;
}

TEST_F(service_level_test, an_urgent_referral_not_accepted_in_time_raises_overdue_once_per_period_until_accepted) {
  const std::string urgent = refer(referral_fixture("REF-SLA-URGENT"));
  const std::string routine =
      refer(replaced(referral_fixture("REF-SLA-ROUTINE"), "\"code\": \"44260-8\" } ] },\n          \"valueInteger\": 2",
                     "\"code\": \"44260-8\" } ] },\n          \"valueInteger\": 0"));
  ASSERT_FALSE(urgent.empty());
  ASSERT_FALSE(routine.empty());
  const auto urgent_task = task_of(urgent);
  ASSERT_EQ(string_at(urgent_task, "priority"), "urgent");
  ASSERT_NE(serialise(urgent_task).find("risk-to-self"), std::string::npos);
  ASSERT_EQ(string_at(task_of(routine), "priority"), "routine");
  const std::int64_t authored = seconds_of(string_at(urgent_task, "authoredOn"));
  ASSERT_GT(authored, 0);

  // Two notices for the waiting urgent referral: numbered 1 and 2, each no earlier than its
  // period (whole seconds, as the gateway writes times), none twice.
  std::vector<overdue_notice> seen;
  ASSERT_TRUE(eventually([&] { return (seen = notices_for(urgent)).size() >= 2; }, std::chrono::seconds(60)))
      << seen.size() << "\n"
      << gateway_->stderr_text();
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const auto n = static_cast<std::int64_t>(i + 1);
    EXPECT_EQ(seen[i].number, n);
    EXPECT_GE(seen[i].time, authored + n * period_seconds) << "notice " << n << " came before its period";
  }
  EXPECT_GE(metric("gateway_referrals_overdue_total"), 2.0);

  // The platform accepts the Task (a notice landing meanwhile moves its version: read again).
  auto platform = client("platform");
  std::size_t raised_before_accept = 0;
  ASSERT_TRUE(eventually([&] {
    auto task = task_of(urgent);
    const std::string id = string_at(task, "id");
    const auto current = platform.request("GET", "/fhir/Task/" + id);
    auto d = parse(current.body);
    if (!d.IsObject()) return false;
    d.RemoveMember("meta");
    d["status"].SetString("accepted", d.GetAllocator());
    const auto r = platform.request("PUT", "/fhir/Task/" + id, serialise(d), {{"If-Match", current.header("etag")}});
    if (r.status != 200) return false;
    raised_before_accept = overdue_inputs(parse(r.body));
    return true;
  }));
  ASSERT_GE(raised_before_accept, 2u);

  // Once the next notice would have been due, two more checks complete (so at least one began
  // after that): no further notice, and every notice the Task records reached the platform once.
  const auto next_due = std::chrono::system_clock::time_point(
      std::chrono::seconds(authored + static_cast<std::int64_t>(raised_before_accept + 1) * period_seconds + 1));
  ASSERT_TRUE(eventually([&] { return std::chrono::system_clock::now() > next_due; }, std::chrono::seconds(60)));
  const double checks = metric("gateway_service_level_checks_total");
  ASSERT_GE(checks, 2.0) << "the checks are counted";
  ASSERT_TRUE(
      eventually([&] { return metric("gateway_service_level_checks_total") >= checks + 2; }, std::chrono::seconds(60)));
  const auto accepted = task_of(urgent);
  EXPECT_EQ(string_at(accepted, "status"), "accepted");
  EXPECT_EQ(overdue_inputs(accepted), raised_before_accept);
  EXPECT_TRUE(eventually([&] { return (seen = notices_for(urgent)).size() >= raised_before_accept; }));
  EXPECT_EQ(seen.size(), raised_before_accept);
  EXPECT_EQ(metric("gateway_referrals_overdue_total"), static_cast<double>(raised_before_accept));

  // The routine referral waited just as long and never was overdue.
  EXPECT_TRUE(notices_for(routine).empty());
  EXPECT_EQ(overdue_inputs(task_of(routine)), 0u);
}

}  // namespace
}  // namespace rg::testing
