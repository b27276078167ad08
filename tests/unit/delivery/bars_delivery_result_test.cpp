#include "adapters/delivery/bars_delivery_result.hpp"

#include <gtest/gtest.h>

#include "adapters/bars/error_codes.hpp"

namespace gateway::delivery {
namespace {

using namespace std::chrono;
using kind = core::delivery_result::kind;
using action = core::next_action::kind;

constexpr const char* request_id = "5f0c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098";
constexpr const char* correlation_id = "9562466f-c982-4bd5-bb0e-255e9f5e6689";

net::client_response response(int status, std::string body, bool echo = true) {
  net::client_response r;
  r.status = status;
  r.body = std::move(body);
  if (echo) r.headers = {{"x-request-id", request_id}, {"X-Correlation-ID", correlation_id}};
  return r;
}

core::delivery_result classify(const net::client_response& r) {
  return classify_bars_answer(r, request_id, correlation_id, system_clock::now());
}

action decide(const core::delivery_result& r) {
  const core::retry_schedule schedule({}, [] { return 0.5; });
  return schedule.decide({1, system_clock::now()}, r, system_clock::now()).what;
}

std::string outcome(int status) {
  return bars::make_error_answer(status, {}).json;
}

TEST(bars_delivery_result, a_2xx_with_both_ids_echoed_is_delivered) {
  const auto r = classify(response(200, R"({"resourceType":"OperationOutcome","issue":[]})"));
  EXPECT_TRUE(core::is_delivered(r)) << core::describe(r);
}

TEST(bars_delivery_result, a_409_duplicate_counts_as_delivered) {
  const auto r = classify(response(409, bars::duplicate_answer("already processed").json));
  EXPECT_EQ(decide(r), action::delivered) << core::describe(r);
  EXPECT_NE(r.detail.find("REC_CONFLICT"), std::string::npos) << r.detail;
}

TEST(bars_delivery_result, a_409_that_is_no_duplicate_goes_to_dead_letter) {
  const auto r = classify(response(409, outcome(409)));
  EXPECT_EQ(decide(r), action::dead) << core::describe(r);
}

TEST(bars_delivery_result, timeout_throttling_and_unavailable_are_retried) {
  for (const int status : {408, 429, 503}) {
    const auto r = classify(response(status, outcome(status)));
    EXPECT_EQ(r.what, kind::http_response);
    EXPECT_EQ(decide(r), action::retry) << status;
  }
  auto with_retry_after = response(503, outcome(503));
  with_retry_after.headers.emplace_back("Retry-After", "7");
  EXPECT_EQ(classify(with_retry_after).retry_after, seconds{7});
}

TEST(bars_delivery_result, other_4xx_and_5xx_with_an_operation_outcome_go_to_dead_letter) {
  for (const int status : {400, 403, 404, 422, 500, 501}) {
    const auto r = classify(response(status, outcome(status)));
    EXPECT_EQ(decide(r), action::dead) << status << ": " << core::describe(r);
    EXPECT_NE(r.detail.find("REC_"), std::string::npos) << r.detail;
  }
}

TEST(bars_delivery_result, an_answer_without_an_operation_outcome_is_retried) {
  for (const int status : {400, 404, 500, 502}) {
    const auto r = classify(response(status, "<html>Bad Gateway</html>"));
    EXPECT_EQ(r.what, kind::transient_failure);
    EXPECT_EQ(decide(r), action::retry) << status;
    EXPECT_NE(r.detail.find("without an OperationOutcome"), std::string::npos);
  }
}

TEST(bars_delivery_result, an_answer_without_the_ids_echoed_is_retried_even_a_200) {
  EXPECT_EQ(decide(classify(response(200, "{}", false))), action::retry);
  EXPECT_EQ(decide(classify(response(400, outcome(400), false))), action::retry);
  auto other_request = response(200, "{}");
  other_request.headers[0].second = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(decide(classify(other_request)), action::retry);
}

TEST(bars_delivery_result, transport_failures_are_as_for_every_https_delivery) {
  const auto r = classify_bars_answer(net::transport_failure{net::transport_failure::kind::connection_refused, "no"},
                                      request_id, correlation_id, system_clock::now());
  EXPECT_EQ(r.what, kind::connection_refused);
  EXPECT_EQ(decide(r), action::retry);
}

}  // namespace
}  // namespace gateway::delivery
