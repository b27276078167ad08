#include "gateway/api/search_date.hpp"

#include <gtest/gtest.h>

namespace gateway::api {
namespace {

std::string low(std::string_view text) {
  return lower_bound_text(parse_search_date(text)->low);
}
std::string high(std::string_view text) {
  return lower_bound_text(parse_search_date(text)->high);
}

TEST(search_date, each_precision_covers_its_whole_range) {
  EXPECT_EQ(low("2024"), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(high("2024"), "2024-12-31T23:59:59.999Z");
  EXPECT_EQ(low("2024-02"), "2024-02-01T00:00:00.000Z");
  EXPECT_EQ(high("2024-02"), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(high("2024-12"), "2024-12-31T23:59:59.999Z");
  EXPECT_EQ(low("2024-05-01"), "2024-05-01T00:00:00.000Z");
  EXPECT_EQ(high("2024-05-01"), "2024-05-01T23:59:59.999Z");
  EXPECT_EQ(low("2024-05-01T10:20Z"), "2024-05-01T10:20:00.000Z");
  EXPECT_EQ(high("2024-05-01T10:20Z"), "2024-05-01T10:20:59.999Z");
  EXPECT_EQ(high("2024-05-01T10:20:30Z"), "2024-05-01T10:20:30.999Z");
  EXPECT_EQ(low("2024-05-01T10:20:30.5Z"), "2024-05-01T10:20:30.500Z");
  EXPECT_EQ(high("2024-05-01T10:20:30.5Z"), "2024-05-01T10:20:30.599Z");
  EXPECT_EQ(high("2024-05-01T10:20:30.123456Z"), "2024-05-01T10:20:30.123Z");
}

TEST(search_date, zones_are_converted_to_utc_and_a_missing_zone_is_utc) {
  EXPECT_EQ(low("2024-05-01T10:00:00+01:00"), "2024-05-01T09:00:00.000Z");
  EXPECT_EQ(low("2024-05-01T00:30:00-02:30"), "2024-05-01T03:00:00.000Z");
  EXPECT_EQ(low("2024-05-01T10:00:00 01:00"), "2024-05-01T09:00:00.000Z") << "'+' decoded as a space";
  EXPECT_EQ(low("2024-05-01T10:00:00"), "2024-05-01T10:00:00.000Z");
}

TEST(search_date, malformed_values_are_refused) {
  for (const char* bad : {"", "24", "2024-13", "2024-02-30", "2024-05-01T25:00Z", "2024-05-01T10", "2024-05-01X",
                          "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00+1", "yesterday", "2024-05-01T10:00:00Zjunk"}) {
    EXPECT_FALSE(parse_search_date(bad)) << bad;
  }
}

TEST(search_date, prefixes_narrow_inclusive_bounds) {
  instant_bounds b;
  EXPECT_EQ(narrow_by_date("ge2024-05-01", b), "");
  EXPECT_EQ(lower_bound_text(*b.ge), "2024-05-01T00:00:00.000Z");
  EXPECT_FALSE(b.le);
  EXPECT_EQ(narrow_by_date("lt2024-06", b), "");
  EXPECT_EQ(lower_bound_text(*b.le), "2024-05-31T23:59:59.999Z");

  instant_bounds eq;
  EXPECT_EQ(narrow_by_date("2024-05-01", eq), "");
  EXPECT_EQ(lower_bound_text(*eq.ge), "2024-05-01T00:00:00.000Z");
  EXPECT_EQ(lower_bound_text(*eq.le), "2024-05-01T23:59:59.999Z");

  instant_bounds gt;
  EXPECT_EQ(narrow_by_date("gt2024-05-01T10:00:00Z", gt), "");
  EXPECT_EQ(lower_bound_text(*gt.ge), "2024-05-01T10:00:01.000Z");
  EXPECT_EQ(narrow_by_date("le2024-05-02", gt), "");
  EXPECT_EQ(lower_bound_text(*gt.le), "2024-05-02T23:59:59.999Z");
}

TEST(search_date, repeated_values_keep_the_narrowest_bounds) {
  instant_bounds b;
  EXPECT_EQ(narrow_by_date("ge2024-05-03", b), "");
  EXPECT_EQ(narrow_by_date("ge2024-05-01", b), "");
  EXPECT_EQ(narrow_by_date("le2024-06-01", b), "");
  EXPECT_EQ(narrow_by_date("le2024-07-01", b), "");
  EXPECT_EQ(lower_bound_text(*b.ge), "2024-05-03T00:00:00.000Z");
  EXPECT_EQ(lower_bound_text(*b.le), "2024-06-01T23:59:59.999Z");
}

TEST(search_date, unsupported_prefixes_and_bad_dates_say_why) {
  instant_bounds b;
  EXPECT_NE(narrow_by_date("ne2024-05-01", b).find("prefix 'ne'"), std::string::npos);
  EXPECT_NE(narrow_by_date("sa2024", b).find("not supported"), std::string::npos);
  EXPECT_NE(narrow_by_date("ge2024-5-1", b).find("not a FHIR date"), std::string::npos);
  EXPECT_FALSE(b.ge);
}

TEST(search_date, upper_bounds_at_a_seconds_end_compare_right_with_both_instant_forms) {
  const auto r = parse_search_date("2024-05-01T10:00:00Z");
  const std::string le = upper_bound_text(r->high);
  const std::string ge = lower_bound_text(r->low);
  EXPECT_EQ(le, "2024-05-01T10:00:00Z");
  // Text order: instants with and without milliseconds inside the second are within the bounds...
  for (const std::string inside : {"2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000Z", "2024-05-01T10:00:00.999Z"}) {
    EXPECT_LE(inside, le) << inside;
    EXPECT_GE(inside, ge) << inside;
  }
  // ...and the neighbouring seconds are not.
  EXPECT_GT(std::string("2024-05-01T10:00:01Z"), le);
  EXPECT_GT(std::string("2024-05-01T10:00:01.000Z"), le);
  EXPECT_LT(std::string("2024-05-01T09:59:59Z"), ge);
  EXPECT_LT(std::string("2024-05-01T09:59:59.999Z"), ge);
  // A bound inside a second stays at millisecond precision.
  EXPECT_EQ(upper_bound_text(parse_search_date("2024-05-01T10:00:00.5Z")->low), "2024-05-01T10:00:00.500Z");
}

}  // namespace
}  // namespace gateway::api
