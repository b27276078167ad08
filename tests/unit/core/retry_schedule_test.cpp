#include "gateway/core/retry_schedule.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using namespace std::chrono;
using kind = delivery_result::kind;

namespace {

const system_clock::time_point t0 = sys_days{year{2024} / 5 / 1};

retry_schedule schedule(double random = 0.5) {
  return retry_schedule(retry_policy{milliseconds{1000}, milliseconds{60000}, 5, hours{1}},
                        [random] { return random; });
}

delivery_result http(int status) {
  return {kind::http_response, status, std::nullopt, {}};
}

}  // namespace

TEST(retry_schedule, classification_table) {
  struct row {
    delivery_result result;
    next_action::kind expected;
  };
  const row rows[] = {
      {http(200), next_action::kind::delivered},
      {http(201), next_action::kind::delivered},
      {http(299), next_action::kind::delivered},
      {http(408), next_action::kind::retry},
      {http(429), next_action::kind::retry},
      {http(500), next_action::kind::retry},
      {http(503), next_action::kind::retry},
      {http(599), next_action::kind::retry},
      {http(301), next_action::kind::dead},  // redirects are not followed
      {http(400), next_action::kind::dead},
      {http(401), next_action::kind::dead},
      {http(404), next_action::kind::dead},
      {http(409), next_action::kind::dead},
      {http(422), next_action::kind::dead},
      {{kind::timeout, 0, std::nullopt, {}}, next_action::kind::retry},
      {{kind::connection_refused, 0, std::nullopt, {}}, next_action::kind::retry},
      {{kind::connection_lost, 0, std::nullopt, {}}, next_action::kind::retry},
      {{kind::tls_failure, 0, std::nullopt, "certificate verify failed"}, next_action::kind::retry},
      {{kind::transient_failure, 0, std::nullopt, {}}, next_action::kind::retry},
      {{kind::permanent_failure, 0, std::nullopt, "AR"}, next_action::kind::dead},
  };
  for (const auto& row : rows) {
    const auto next = schedule().decide({1, t0}, row.result, t0);
    EXPECT_EQ(next.what, row.expected) << describe(row.result);
  }
  EXPECT_EQ(schedule().decide({1, t0}, http(400), t0).error, "HTTP 400 (not retryable)");
}

TEST(retry_schedule, full_jitter_exponential_backoff_capped) {
  const auto full = schedule(0.999999);
  EXPECT_EQ(full.backoff(1), milliseconds{999});
  EXPECT_EQ(full.backoff(2), milliseconds{1999});
  EXPECT_EQ(full.backoff(3), milliseconds{3999});
  EXPECT_EQ(full.backoff(7), milliseconds{59999});     // 64 s capped at 60 s
  EXPECT_EQ(full.backoff(1000), milliseconds{59999});  // no overflow
  EXPECT_EQ(schedule(0.0).backoff(5), milliseconds{0});
  EXPECT_EQ(schedule(0.5).backoff(3), milliseconds{2000});

  const auto next = schedule(0.5).decide({3, t0}, http(503), t0 + seconds{10});
  ASSERT_EQ(next.what, next_action::kind::retry);
  EXPECT_EQ(next.retry_at, t0 + seconds{12});
  EXPECT_EQ(next.error, "HTTP 503");
}

TEST(retry_schedule, retry_after_is_a_lower_bound) {
  auto r = http(503);
  r.retry_after = seconds{30};
  EXPECT_EQ(schedule(0.5).decide({1, t0}, r, t0).retry_at, t0 + seconds{30});
  r.retry_after = seconds{0};
  EXPECT_EQ(schedule(0.5).decide({3, t0}, r, t0).retry_at, t0 + seconds{2});  // backoff larger
}

TEST(retry_schedule, out_of_attempts_or_age_goes_dead_with_the_last_error) {
  const delivery_result tls{kind::tls_failure, 0, std::nullopt, "certificate verify failed"};
  const auto four = schedule().decide({4, t0}, tls, t0);
  EXPECT_EQ(four.what, next_action::kind::retry);
  const auto five = schedule().decide({5, t0}, tls, t0);
  EXPECT_EQ(five.what, next_action::kind::dead);
  EXPECT_EQ(five.error, "gave up after 5 attempts; last error: TLS failure: certificate verify failed");

  const auto aged = schedule(0.5).decide({1, t0}, http(500), t0 + minutes{59} + seconds{59} + milliseconds{600});
  EXPECT_EQ(aged.what, next_action::kind::dead);
  EXPECT_EQ(aged.error, "gave up: next attempt would be past the maximum age of 3600s; last error: HTTP 500");
  auto long_wait = http(429);
  long_wait.retry_after = hours{2};
  EXPECT_EQ(schedule().decide({1, t0}, long_wait, t0).what, next_action::kind::dead);
}
