#include "adapters/delivery/retry_after.hpp"

#include <gtest/gtest.h>

namespace gateway::delivery {
namespace {

using namespace std::chrono;

// 1994-11-06T08:49:37Z, the RFC's example date.
const sys_seconds rfc_example = sys_days{year{1994} / November / 6} + hours{8} + minutes{49} + seconds{37};

TEST(parse_http_date, imf_fixdate) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), rfc_example);
}

TEST(parse_http_date, obsolete_rfc850_form) {
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), rfc_example);
  EXPECT_EQ(parse_http_date("Monday, 01-Jan-35 00:00:00 GMT"), sys_seconds{sys_days{year{2035} / January / 1}});
}

TEST(parse_http_date, obsolete_asctime_form) {
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), rfc_example);
  EXPECT_EQ(parse_http_date("Sun Nov 16 08:49:37 1994"), rfc_example + days{10});
}

TEST(parse_http_date, refuses_malformed_dates) {
  EXPECT_FALSE(parse_http_date(""));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37"));        // no GMT
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));    // only GMT is allowed
  EXPECT_FALSE(parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT"));     // two-digit day
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));    // no such day
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));    // no such month
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT"));    // hour out of range
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT x"));  // trailing text
  EXPECT_FALSE(parse_http_date("sun, 06 nov 1994 08:49:37 gmt"));    // case-sensitive, as specified
}

TEST(parse_retry_after, delay_seconds) {
  const auto now = system_clock::now();
  EXPECT_EQ(parse_retry_after("3", now), seconds{3});
  EXPECT_EQ(parse_retry_after("0", now), seconds{0});
  EXPECT_EQ(parse_retry_after(" 120 ", now), seconds{120}) << "surrounding whitespace is allowed";
}

TEST(parse_retry_after, huge_delay_is_capped_at_a_year) {
  EXPECT_EQ(parse_retry_after("99999999999999999999999999", system_clock::now()), hours{24 * 365});
}

TEST(parse_retry_after, http_date_is_the_wait_from_now_rounded_up) {
  const system_clock::time_point now = rfc_example - seconds{90} - milliseconds{300};
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), seconds{91});
}

TEST(parse_retry_after, http_date_in_the_past_means_now) {
  const system_clock::time_point now = rfc_example + hours{1};
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), seconds{0});
}

TEST(parse_retry_after, anything_else_is_ignored) {
  const auto now = system_clock::now();
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-1", now));
  EXPECT_FALSE(parse_retry_after("1.5", now));
  EXPECT_FALSE(parse_retry_after("3 s", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
}

}  // namespace
}  // namespace gateway::delivery
