#include "adapters/bars/progress_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "bars_test_data.hpp"

namespace gateway::bars {
namespace {

using ts = core::task_status;
constexpr ts all_statuses[] = {ts::draft,    ts::requested, ts::received,  ts::accepted,
                               ts::rejected, ts::ready,     ts::cancelled, ts::in_progress,
                               ts::on_hold,  ts::failed,    ts::completed, ts::entered_in_error};

TEST(progress_map, every_task_status_has_a_default_row) {
  for (const ts s : all_statuses) {
    const bool found = std::any_of(progress_table().begin(), progress_table().end(),
                                   [&](const progress_row& r) { return r.task == s && r.business_status.empty(); });
    EXPECT_TRUE(found) << core::to_string(s);
  }
}

TEST(progress_map, every_row_uses_codes_of_their_value_sets) {
  // R4 request-status and encounter-status (required bindings), and the e-RS referral states.
  const std::set<std::string_view> request_status = {"draft",     "active",           "on-hold", "revoked",
                                                     "completed", "entered-in-error", "unknown"};
  const std::set<std::string_view> encounter_status = {"planned",     "arrived",          "triaged",
                                                       "in-progress", "onleave",          "finished",
                                                       "cancelled",   "entered-in-error", "unknown"};
  const auto ers = ers_referral_states();
  const std::string business = test::read_text("config/codesystem-business-status.json");
  for (const auto& row : progress_table()) {
    EXPECT_TRUE(request_status.contains(row.state.service_request_status)) << row.state.service_request_status;
    EXPECT_TRUE(encounter_status.contains(row.state.encounter_status)) << row.state.encounter_status;
    if (!row.state.ers_state.empty()) {
      EXPECT_NE(std::find(ers.begin(), ers.end(), row.state.ers_state), ers.end()) << row.state.ers_state;
    }
    if (!row.business_status.empty()) {
      EXPECT_NE(business.find("\"code\": \"" + std::string(row.business_status) + "\""), std::string::npos)
          << row.business_status << " is not a business status of config/codesystem-business-status.json";
    }
  }
}

TEST(progress_map, a_new_referral_awaits_triage) {
  const auto p = progress_for(ts::requested, "awaiting-triage");
  EXPECT_EQ(p.service_request_status, "active");
  EXPECT_EQ(p.encounter_status, "planned");
  EXPECT_EQ(p.ers_state, "AWAITING_TRIAGE");
}

TEST(progress_map, a_triaged_referral_is_accepted_for_the_service_to_arrange) {
  const auto p = progress_for(ts::accepted, "triaged-step-2");
  EXPECT_EQ(p.encounter_status, "triaged");
  EXPECT_EQ(p.ers_state, "DEFER_TO_PROVIDER");
}

TEST(progress_map, business_status_refines_the_task_status) {
  EXPECT_EQ(progress_for(ts::in_progress, "contact-attempted").encounter_status, "triaged");
  EXPECT_EQ(progress_for(ts::in_progress, "first-contact-made").encounter_status, "in-progress");
  EXPECT_EQ(progress_for(ts::in_progress, "first-contact-made").ers_state, "BOOKED");
}

TEST(progress_map, endings) {
  const auto done = progress_for(ts::completed, "discharged");
  EXPECT_EQ(done.service_request_status, "completed");
  EXPECT_EQ(done.encounter_status, "finished");
  EXPECT_EQ(done.ers_state, "ENDED_CLOSED");
  const auto rejected = progress_for(ts::rejected, "declined");
  EXPECT_EQ(rejected.service_request_status, "revoked");
  EXPECT_EQ(rejected.ers_state, "REJECTED");
  EXPECT_EQ(progress_for(ts::cancelled, "").ers_state, "ENDED_CANCELLED");
  EXPECT_EQ(progress_for(ts::failed, "not-reachable").encounter_status, "cancelled");
  EXPECT_TRUE(progress_for(ts::on_hold, "").ers_state.empty()) << "no e-RS state says 'paused'";
}

// README "BaRS" prints the table for users; it must say what the code does, row for row.
TEST(progress_map, readme_prints_the_same_table) {
  const std::string readme = test::read_text("README.md");
  const auto start = readme.find("| Task status | business status | ServiceRequest.status |");
  ASSERT_NE(start, std::string::npos) << "README has no progress table";
  std::vector<std::string> rows;
  std::size_t at = readme.find('\n', readme.find('\n', start) + 1) + 1;  // after the header and rule
  while (at < readme.size() && readme[at] == '|') {
    const auto end = readme.find('\n', at);
    rows.push_back(readme.substr(at, end - at));
    at = end + 1;
  }
  const auto cell = [](std::string_view v) { return v.empty() ? std::string("any") : "`" + std::string(v) + "`"; };
  ASSERT_EQ(rows.size(), progress_table().size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const progress_row& r = progress_table()[i];
    const std::string expected = "| `" + std::string(core::to_string(r.task)) + "` | " + cell(r.business_status) +
                                 " | `" + std::string(r.state.service_request_status) + "` | `" +
                                 std::string(r.state.encounter_status) + "` | " +
                                 (r.state.ers_state.empty() ? std::string("—") : cell(r.state.ers_state)) + " |";
    EXPECT_EQ(rows[i], expected) << "row " << i;
  }
}

}  // namespace
}  // namespace gateway::bars
