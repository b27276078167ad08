#include "adapters/sql_store/json_meta.hpp"

#include <gtest/gtest.h>

namespace gateway::sql_store {
namespace {

TEST(stamp_meta, adds_id_after_resource_type_and_meta_at_end) {
  const auto out = stamp_meta(R"({"resourceType":"Task","status":"requested"})", "t1", 3, "2024-05-01T10:00:00.123Z");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, R"({"resourceType":"Task","id":"t1","status":"requested",)"
                  R"("meta":{"versionId":"3","lastUpdated":"2024-05-01T10:00:00.123Z"}})");
}

TEST(stamp_meta, replaces_existing_id_and_version_but_keeps_other_meta_members) {
  const auto out = stamp_meta(
      R"({"id":"old","resourceType":"Task","meta":{"versionId":"9","profile":["p"],"lastUpdated":"x"},"a":{"id":"keep"}})",
      "new", 1, "T");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, R"({"resourceType":"Task","id":"new","meta":{"profile":["p"],"versionId":"1","lastUpdated":"T"},)"
                  R"("a":{"id":"keep"}})");
}

TEST(stamp_meta, keeps_numbers_exactly_as_written) {
  const auto out =
      stamp_meta(R"({"resourceType":"Observation","valueQuantity":{"value":1.50},"n":[1e3,-0.0]})", "o", 1, "T");
  ASSERT_TRUE(out);
  EXPECT_NE(out->find(R"("value":1.50)"), std::string::npos) << *out;
  EXPECT_NE(out->find(R"([1e3,-0.0])"), std::string::npos) << *out;
}

TEST(stamp_meta, ignores_nested_meta_and_id_in_contained_resources) {
  const auto out =
      stamp_meta(R"({"resourceType":"ServiceRequest","contained":[{"resourceType":"Patient","id":"patient",)"
                 R"("meta":{"versionId":"7"}}]})",
                 "sr", 2, "T");
  ASSERT_TRUE(out);
  EXPECT_NE(out->find(R"({"resourceType":"Patient","id":"patient","meta":{"versionId":"7"}})"), std::string::npos)
      << *out;
  EXPECT_NE(out->find(R"("meta":{"versionId":"2","lastUpdated":"T"}})"), std::string::npos) << *out;
}

TEST(stamp_meta, refuses_what_is_not_one_json_object) {
  EXPECT_FALSE(stamp_meta("[]", "x", 1, "T"));
  EXPECT_FALSE(stamp_meta("\"s\"", "x", 1, "T"));
  EXPECT_FALSE(stamp_meta("{\"a\":", "x", 1, "T"));
  EXPECT_FALSE(stamp_meta("{} {}", "x", 1, "T"));
  EXPECT_FALSE(stamp_meta("", "x", 1, "T"));
  EXPECT_TRUE(stamp_meta(" {} \n", "x", 1, "T"));
}

}  // namespace
}  // namespace gateway::sql_store
