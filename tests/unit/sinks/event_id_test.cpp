// event_id_of: the "id" the events file checks on every event it appends and on every line it
// reads at start-up; read with SAX, it must find what a parsed document's first top-level "id"
// member holds.
#include "adapters/sinks/jsonl_scan.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace gateway::sinks {
namespace {

std::string id_from_document(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  const auto it = doc.FindMember("id");
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

TEST(event_id_of, finds_what_the_document_holds_as_its_first_top_level_id) {
  const std::string lines[] = {
      R"({"specversion":"1.0","id":"0190a5f8-0000-7000-8000-000000000001","type":"referral.received","data":{"id":"inner"}})",
      R"({"data":{"id":"inner"},"id":"outer"})",
      R"({"id":"first","id":"second"})",
      R"({"id":5,"other":"x"})",
      R"({"id":{"id":"nested"}})",
      R"({"id":["a"],"x":{"id":"y"}})",
      R"({"id":null})",
      R"({"a":[{"id":"in-array"}]})",
      R"(  {"id":"spaced"}  )",
      R"({"id":"esc\"aped\u00e9"})",
      R"({"id":"trailing"} x)",
      R"({"id":"unclosed")",
      R"(["id","array"])",
      R"("id")",
      "",
      "{}",
      R"({"id":"a\u0000b"})",
  };
  for (const auto& line : lines) EXPECT_EQ(event_id_of(line), id_from_document(line)) << line;
  EXPECT_EQ(event_id_of(lines[0]), "0190a5f8-0000-7000-8000-000000000001");
  EXPECT_EQ(event_id_of(lines[2]), "first");
  EXPECT_EQ(event_id_of(lines[1]), "outer");
  EXPECT_EQ(event_id_of(lines[10]), "");
}

}  // namespace
}  // namespace gateway::sinks
