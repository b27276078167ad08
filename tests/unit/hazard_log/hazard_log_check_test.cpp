#include "tools/hazard-log/hazard_log_check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gateway::tools {
namespace {

constexpr std::string_view log_text = R"(# Hazard log

Some prose with `not.a_test` outside any table.

| id | control | Tests |
|---|---|---|
| H1 | commit before 201 | `crash_test.every_acknowledged_referral_survives`, `store.durable` |
| H2 | triage raises priority | `triage.item9_raises` |

| id | note |
|---|---|
| X | a table without a Tests column is ignored `ignored.test` |
)";

std::string listing(std::initializer_list<std::pair<const char*, bool>> tests) {
  std::string json = R"({"kind":"ctestInfo","tests":[)";
  bool first = true;
  for (const auto& [name, disabled] : tests) {
    if (!first) json += ",";
    first = false;
    json += R"({"name":")" + std::string(name) + R"(","properties":[{"name":"TIMEOUT","value":300.0})";
    if (disabled) json += R"(,{"name":"DISABLED","value":true})";
    json += "]}";
  }
  return json + "]}";
}

TEST(hazard_log_check, reads_the_tests_column_of_every_control_and_nothing_else) {
  const auto controls = controls_in_hazard_log(log_text);
  ASSERT_EQ(controls.size(), 2u);
  EXPECT_EQ(controls[0].label, "H1");
  EXPECT_EQ(controls[0].line, 7);
  EXPECT_EQ(controls[0].tests,
            (std::vector<std::string>{"crash_test.every_acknowledged_referral_survives", "store.durable"}));
  EXPECT_EQ(controls[1].tests, (std::vector<std::string>{"triage.item9_raises"}));
}

TEST(hazard_log_check, passes_when_every_named_test_is_registered_and_enabled) {
  const auto registered = parse_ctest_listing(listing({{"crash_test.every_acknowledged_referral_survives", false},
                                                       {"store.durable", false},
                                                       {"triage.item9_raises", false},
                                                       {"other.test", true}}));
  EXPECT_TRUE(check_hazard_log(controls_in_hazard_log(log_text), registered).empty());
}

TEST(hazard_log_check, fails_when_a_listed_test_is_renamed) {
  const auto registered = parse_ctest_listing(listing({{"crash_test.every_acknowledged_referral_survives", false},
                                                       {"store.durable", false},
                                                       {"triage.item9_raises_priority", false}}));
  const auto problems = check_hazard_log(controls_in_hazard_log(log_text), registered);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("`triage.item9_raises` is not registered"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("line 8 (H2)"), std::string::npos) << problems[0];
}

TEST(hazard_log_check, fails_when_a_listed_test_is_disabled) {
  const auto registered = parse_ctest_listing(listing({{"crash_test.every_acknowledged_referral_survives", false},
                                                       {"store.durable", true},
                                                       {"triage.item9_raises", false}}));
  const auto problems = check_hazard_log(controls_in_hazard_log(log_text), registered);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("`store.durable` is disabled"), std::string::npos) << problems[0];
}

TEST(hazard_log_check, fails_when_a_control_names_no_test) {
  const std::string text = "| id | Tests |\n|---|---|\n| H9 | (none yet) |\n";
  const auto problems = check_hazard_log(controls_in_hazard_log(text), parse_ctest_listing(listing({{"a.b", false}})));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("no test named"), std::string::npos) << problems[0];
}

TEST(hazard_log_check, fails_on_a_log_without_controls_or_a_listing_that_is_not_ctests) {
  EXPECT_FALSE(check_hazard_log(controls_in_hazard_log("# empty\n"), parse_ctest_listing(listing({}))).empty());
  EXPECT_FALSE(check_hazard_log(controls_in_hazard_log(log_text), parse_ctest_listing("not json")).empty());
}

TEST(hazard_log_check, fails_when_two_hazards_share_an_id) {
  const std::string log = "# Hazard log\n\n## H6 Certificate revoked\n\n## H7 Wrong caller\n\n## H6 Something else\n";
  const auto problems = duplicate_hazard_ids(log);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "line 7: hazard id H6 is already used at line 3");
  EXPECT_TRUE(duplicate_hazard_ids("## H6 a\n## H-V2-6 b\n## H16 c\n").empty());
}

// The project's own log parses into controls that each name at least one test (registration is
// checked by tools/test.sh against the real ctest listing).
TEST(hazard_log_check, the_projects_hazard_log_names_a_test_for_every_control) {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/docs/clinical-safety/hazard-log.md");
  ASSERT_TRUE(in) << "docs/clinical-safety/hazard-log.md missing";
  std::ostringstream s;
  s << in.rdbuf();
  const auto controls = controls_in_hazard_log(s.str());
  ASSERT_FALSE(controls.empty());
  for (const auto& c : controls) EXPECT_FALSE(c.tests.empty()) << "line " << c.line << " (" << c.label << ")";
  EXPECT_EQ(duplicate_hazard_ids(s.str()), std::vector<std::string>{});
}

}  // namespace
}  // namespace gateway::tools
