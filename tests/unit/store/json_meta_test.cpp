#include "adapters/sql_store/json_meta.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// The JSON the core plans, as the store receives it: RapidJSON's Writer output of each JSON file
// the tests keep (FHIR resources, Bundles, BaRS messages, corpus examples).
std::vector<std::string> compact_test_documents() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(RG_SOURCE_DIR) + "/tests/data")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document doc;
    if (doc.Parse(text.str().c_str()).HasParseError() || !doc.IsObject()) continue;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    out.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

TEST(stamp_meta, compact_path_answers_what_the_rewrite_answers_for_every_test_document) {
  const auto documents = compact_test_documents();
  ASSERT_GE(documents.size(), 20u);
  for (const auto& json : documents) {
    const auto fast =
        stamp_meta_compact(json, "0190a5f8-0000-7000-8000-000000000001", "12", "2026-12-02T07:00:00.000Z");
    ASSERT_TRUE(fast) << "the compact path refused compact JSON: " << json.substr(0, 200);
    EXPECT_EQ(*fast,
              *stamp_meta_rewritten(json, "0190a5f8-0000-7000-8000-000000000001", "12", "2026-12-02T07:00:00.000Z"));
  }
}

TEST(stamp_meta, compact_path_never_accepts_a_truncated_or_broken_document) {
  // Every prefix of a compact document, and each with one byte changed to a character that breaks
  // or reshapes the grammar: the compact path either declines or agrees with the rewrite, and
  // stamp_meta refuses exactly what the rewrite refuses.
  const std::string json = compact_test_documents().front();
  const auto check = [](const std::string& text) {
    const auto fast = stamp_meta_compact(text, "x", "1", "T");
    const auto rewritten = stamp_meta_rewritten(text, "x", "1", "T");
    if (fast) {
      ASSERT_TRUE(rewritten) << text;
      EXPECT_EQ(*fast, *rewritten) << text;
    }
    EXPECT_EQ(stamp_meta(text, "x", 1, "T").has_value(), rewritten.has_value()) << text;
  };
  for (std::size_t n = 0; n < json.size(); ++n) check(json.substr(0, n));
  for (std::size_t i = 0; i < json.size(); i += 7)
    for (const char c : {'"', '{', '}', '[', ']', ',', ':', '\\', '0', '-', 'e', '.', 't', ' ', '\x01'}) {
      std::string broken = json;
      broken[i] = c;
      check(broken);
    }
}

TEST(stamp_meta, leaves_what_the_compact_path_does_not_handle_to_the_rewrite) {
  const char* declined[] = {
      R"({ "resourceType":"Task"})",                    // whitespace
      R"({"resourceType":"Task","note":"caf\u00e9"})",  // a \u escape (the rewrite writes the character)
      R"({"resourceType":"Task","url":"a\/b"})",        // a \/ escape (the rewrite writes /)
      R"({"resourceType":"Task","i\u0064":"x"})",       // a key with an escape
      R"({"resourceType":["Task"]})",                   // resourceType not a string
      R"({"resourceType":"Task","meta":"m"})",          // meta not an object
  };
  for (const char* json : declined) {
    EXPECT_FALSE(stamp_meta_compact(json, "x", "1", "T")) << json;
    EXPECT_EQ(stamp_meta(json, "x", 1, "T"), stamp_meta_rewritten(json, "x", "1", "T")) << json;
  }
  // The escapes RapidJSON's Writer makes are copied as written: the same bytes it would write.
  const std::string escaped = R"({"resourceType":"Task","note":"a\"b\\c\n\t"})";
  ASSERT_TRUE(stamp_meta_compact(escaped, "x", "1", "T"));
  EXPECT_EQ(*stamp_meta_compact(escaped, "x", "1", "T"), *stamp_meta_rewritten(escaped, "x", "1", "T"));
}

}  // namespace
}  // namespace gateway::sql_store
