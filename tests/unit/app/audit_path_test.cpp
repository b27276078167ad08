// The bounded audit path (issue 10 item 3): a full path refuses at once, never drops; places come
// back when the store answers; the lag shows in the metrics.
#include "gateway/app/audit_path.hpp"

#include <gtest/gtest.h>

namespace gateway::app {
namespace {

TEST(audit_path, refuses_beyond_its_limit_and_frees_a_place_per_answer) {
  audit_path path(2);
  EXPECT_TRUE(path.enter());
  EXPECT_TRUE(path.enter());
  EXPECT_FALSE(path.enter());
  EXPECT_EQ(path.pending(), 2u);
  path.leave(std::chrono::milliseconds(1500), true);
  EXPECT_EQ(path.pending(), 1u);
  EXPECT_TRUE(path.enter());
  path.leave(std::chrono::milliseconds(1), false);
  std::string text;
  path.collect(text);
  EXPECT_NE(text.find("gateway_audit_pending 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("gateway_audit_lag_seconds_max 1.5"), std::string::npos) << text;
  EXPECT_NE(text.find("gateway_audit_records_total{result=\"stored\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("gateway_audit_records_total{result=\"failed\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("gateway_audit_records_total{result=\"refused\"} 1\n"), std::string::npos) << text;
  std::string again;
  path.collect(again);
  EXPECT_NE(again.find("gateway_audit_lag_seconds_max 0"), std::string::npos) << "a scrape resets the maximum";
}

}  // namespace
}  // namespace gateway::app
