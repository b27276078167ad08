#include "gateway/core/task_state_machine.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace gateway::core;

TEST(task_state_machine, every_status_round_trips_its_code) {
  for (const char* code : {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
                           "in-progress", "on-hold", "failed", "completed", "entered-in-error"}) {
    const auto s = parse_task_status(code);
    ASSERT_TRUE(s) << code;
    EXPECT_EQ(to_string(*s), code);
  }
  EXPECT_FALSE(parse_task_status("in_progress"));
}

TEST(task_state_machine, full_transition_table) {
  // Exactly these (from, to) pairs with from != to are allowed, plus anything -> entered-in-error.
  const std::set<std::pair<std::string, std::string>> allowed = {
      {"draft", "requested"},       {"draft", "ready"},           {"draft", "cancelled"},    {"requested", "received"},
      {"requested", "accepted"},    {"requested", "rejected"},    {"requested", "ready"},    {"requested", "cancelled"},
      {"received", "accepted"},     {"received", "rejected"},     {"received", "cancelled"}, {"accepted", "ready"},
      {"accepted", "in-progress"},  {"accepted", "cancelled"},    {"ready", "in-progress"},  {"ready", "cancelled"},
      {"ready", "failed"},          {"in-progress", "completed"}, {"in-progress", "failed"}, {"in-progress", "on-hold"},
      {"in-progress", "cancelled"}, {"on-hold", "in-progress"},   {"on-hold", "failed"},     {"on-hold", "cancelled"},
  };
  const char* all[] = {"draft",     "requested",   "received", "accepted", "rejected",  "ready",
                       "cancelled", "in-progress", "on-hold",  "failed",   "completed", "entered-in-error"};
  for (const char* from : all)
    for (const char* to : all) {
      const bool expected =
          std::string(from) == to || std::string(to) == "entered-in-error" || allowed.count({from, to});
      EXPECT_EQ(check_transition(from, to).has_value(), expected) << from << " -> " << to;
    }
}

TEST(task_state_machine, refused_transition_names_itself) {
  const auto r = check_transition(task_status::completed, task_status::in_progress);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "Task.status: transition from 'completed' to 'in-progress' is not allowed");
  EXPECT_EQ(r.error().kind, error_kind::unprocessable);
  const auto bad = check_transition("requested", "done");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().text(), "Task.status: 'done' is not a Task status");
  EXPECT_EQ(bad.error().kind, error_kind::invalid);
}

TEST(task_state_machine, revocation_cancels_unfinished_tasks_only) {
  using enum task_status;
  for (auto s : {draft, requested, received, accepted, ready, in_progress, on_hold})
    EXPECT_EQ(task_status_after_revocation(s), cancelled) << to_string(s);
  for (auto s : {rejected, cancelled, failed, completed, entered_in_error})
    EXPECT_EQ(task_status_after_revocation(s), std::nullopt) << to_string(s);
}
