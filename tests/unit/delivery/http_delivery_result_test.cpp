#include "adapters/delivery/http_delivery_result.hpp"

#include <gtest/gtest.h>

#include "gateway/core/retry_schedule.hpp"

namespace gateway::delivery {
namespace {

using namespace std::chrono;
using kind = core::delivery_result::kind;
using failure = net::transport_failure::kind;

core::delivery_result answer(int status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  net::client_response r;
  r.status = status;
  r.headers = std::move(headers);
  return to_delivery_result(r, system_clock::now());
}

core::delivery_result failed(failure what, std::string detail) {
  return to_delivery_result(net::transport_failure{what, std::move(detail)}, system_clock::now());
}

TEST(to_delivery_result, success_status_is_delivered) {
  const auto r = answer(200);
  EXPECT_EQ(r.what, kind::http_response);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(core::is_delivered(r));
  EXPECT_FALSE(r.retry_after);
}

TEST(to_delivery_result, service_unavailable_carries_retry_after) {
  const auto r = answer(503, {{"retry-after", "3"}});
  EXPECT_EQ(r.http_status, 503);
  EXPECT_EQ(r.retry_after, seconds{3});
  EXPECT_TRUE(core::is_retryable(r));
}

TEST(to_delivery_result, invalid_retry_after_is_ignored) {
  EXPECT_FALSE(answer(429, {{"Retry-After", "later"}}).retry_after);
}

TEST(to_delivery_result, bad_request_and_redirects_are_not_retryable) {
  EXPECT_FALSE(core::is_retryable(answer(400)));
  EXPECT_FALSE(core::is_retryable(answer(302, {{"Location", "https://elsewhere/"}})));
  EXPECT_FALSE(core::is_delivered(answer(302)));
}

TEST(to_delivery_result, transport_failures_keep_their_kind_and_reason) {
  const auto tls = failed(failure::tls_failure, "certificate verify failed: unable to get local issuer certificate");
  EXPECT_EQ(tls.what, kind::tls_failure);
  EXPECT_EQ(core::describe(tls), "TLS failure: certificate verify failed: unable to get local issuer certificate");
  EXPECT_TRUE(core::is_retryable(tls));
  EXPECT_EQ(failed(failure::timeout, "x").what, kind::timeout);
  EXPECT_EQ(failed(failure::connection_refused, "x").what, kind::connection_refused);
  EXPECT_EQ(failed(failure::connection_lost, "x").what, kind::connection_lost);
}

TEST(to_delivery_result, other_transport_failures_are_transient) {
  for (const failure f : {failure::resolve_failure, failure::protocol_error, failure::setup_failure}) {
    const auto r = failed(f, "why");
    EXPECT_EQ(r.what, kind::transient_failure);
    EXPECT_NE(r.detail.find("why"), std::string::npos);
    EXPECT_TRUE(core::is_retryable(r));
  }
}

}  // namespace
}  // namespace gateway::delivery
