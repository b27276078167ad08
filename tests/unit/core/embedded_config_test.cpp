#include "gateway/core/embedded_config.hpp"

#include "gateway/core/code_system.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/triage_rules.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

// The compiled-in copies are the files in config/, byte for byte, and each code system's url is
// the constant code uses to name it.
TEST(embedded_config, compiled_in_data_equals_the_config_files) {
  EXPECT_EQ(embedded::triage_rules_json(), fixtures::read_text("config/triage-rules.json"));
  EXPECT_EQ(embedded::business_status_code_system_json(),
            fixtures::read_text("config/codesystem-business-status.json"));
  EXPECT_EQ(embedded::outcome_summary_code_system_json(),
            fixtures::read_text("config/codesystem-outcome-summary.json"));
  EXPECT_EQ(embedded::triage_suggestion_code_system_json(),
            fixtures::read_text("config/codesystem-triage-suggestion.json"));
}

TEST(embedded_config, code_system_urls_match_the_constants) {
  struct row {
    std::string_view json;
    std::string_view url;
  };
  const row rows[] = {{embedded::business_status_code_system_json(), systems::business_status},
                      {embedded::outcome_summary_code_system_json(), systems::outcome_summary},
                      {embedded::triage_suggestion_code_system_json(), systems::triage_suggestion}};
  for (const auto& row : rows) {
    const auto cs = load_code_system(row.json);
    ASSERT_TRUE(cs) << cs.error().text();
    EXPECT_EQ(cs->url(), row.url);
  }
  EXPECT_TRUE(load_triage_rules(embedded::triage_rules_json()));
}
