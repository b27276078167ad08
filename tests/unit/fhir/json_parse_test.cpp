#include "fhir/json_parse.hpp"

#include <string>

#include <gtest/gtest.h>

namespace fhir {
namespace {

TEST(json_parse, accepts_an_ordinary_object) {
  auto r = parse_json(R"({"resourceType":"Patient","active":true,"n":[1,2.5]})");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE((*r)["active"].GetBool());
}

struct bad_json_case {
  std::string name;
  std::string body;
  json_errc code;
};

class json_parse_refuses : public ::testing::TestWithParam<bad_json_case> {};

TEST_P(json_parse_refuses, with_the_right_error_and_an_offset_in_the_message) {
  const auto& c = GetParam();
  auto r = parse_json(c.body);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, c.code) << r.error().message;
  EXPECT_NE(r.error().message.find("at byte"), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    cases, json_parse_refuses,
    ::testing::Values(bad_json_case{"empty", "   ", json_errc::empty},
                      bad_json_case{"syntax", R"({"a":1])", json_errc::syntax},
                      bad_json_case{"trailing_garbage", R"({"a":1} x)", json_errc::trailing_content},
                      bad_json_case{"two_values", R"({"a":1}{"b":2})", json_errc::trailing_content},
                      bad_json_case{"duplicate_key", R"({"a":1,"b":2,"a":3})", json_errc::duplicate_key},
                      bad_json_case{"nested_duplicate_key", R"({"x":{"k":1,"k":2}})", json_errc::duplicate_key},
                      bad_json_case{"invalid_utf8", "{\"a\":\"\xC3\x28\"}", json_errc::invalid_utf8},
                      bad_json_case{"overlong_utf8", "{\"a\":\"\xC0\xAF\"}", json_errc::invalid_utf8},
                      bad_json_case{"nan", R"({"a":NaN})", json_errc::syntax},
                      bad_json_case{"comment", R"({"a":1 /* c */})", json_errc::syntax}),
    [](const auto& p) { return p.param.name; });

TEST(json_parse, same_key_in_sibling_objects_is_fine) {
  EXPECT_TRUE(parse_json(R"([{"a":1},{"a":2}])").has_value());
  EXPECT_TRUE(parse_json(R"({"a":{"a":{"a":1}}})").has_value());
}

TEST(json_parse, duplicate_key_found_in_a_large_object) {
  std::string body = "{";
  for (int i = 0; i < 5000; ++i) body += "\"k" + std::to_string(i) + "\":1,";
  body += "\"k42\":2}";
  auto r = parse_json(body);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, json_errc::duplicate_key);
  EXPECT_NE(r.error().message.find("k42"), std::string::npos);
}

TEST(json_parse, depth_ten_thousand_is_refused_without_crashing) {
  const std::string body = std::string(10000, '[') + std::string(10000, ']');
  auto r = parse_json(body);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, json_errc::too_deep);
  const std::string objects = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "{\"a\":";
    s += "1";
    s += std::string(10000, '}');
    return s;
  }();
  auto o = parse_json(objects);
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error().code, json_errc::too_deep);
}

TEST(json_parse, depth_limit_is_exact) {
  json_limits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(parse_json("[[[1]]]", limits).has_value());
  EXPECT_FALSE(parse_json("[[[[1]]]]", limits).has_value());
}

TEST(json_parse, huge_string_within_the_limit_is_accepted_and_over_it_refused) {
  json_limits limits;
  limits.max_bytes = 2u * 1024u * 1024u;
  const std::string within = "{\"s\":\"" + std::string(limits.max_bytes - 16, 'x') + "\"}";
  auto ok = parse_json(within, limits);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)["s"].GetStringLength(), limits.max_bytes - 16);
  const std::string over = "{\"s\":\"" + std::string(limits.max_bytes, 'x') + "\"}";
  auto bad = parse_json(over, limits);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, json_errc::too_large);
}

TEST(json_parse, error_becomes_an_outcome) {
  auto r = parse_json("{");
  ASSERT_FALSE(r.has_value());
  outcome o = to_outcome(r.error());
  ASSERT_EQ(o.issues.size(), 1u);
  EXPECT_EQ(o.issues[0].code, issue_code::structure);
  EXPECT_FALSE(o.ok());
}

}  // namespace
}  // namespace fhir

namespace fhir {
namespace {

// Issue 10: a lone surrogate escape decodes to bytes that are not UTF-8; refused with where.
TEST(json_parse_surrogates, lone_surrogate_escapes_are_refused_with_their_offset) {
  for (std::string_view body :
       {R"({"name":"\udc00"})", R"({"name":"ab\ud800cd"})", R"({"\udfff":1})", R"(["\ud800\u0041"])"}) {
    auto r = parse_json(body);
    ASSERT_FALSE(r.has_value()) << body;
    EXPECT_EQ(r.error().code, json_errc::invalid_utf8) << body;
    EXPECT_NE(r.error().message.find("surrogate"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("at byte"), std::string::npos) << r.error().message;
  }
  // A proper pair is one character (U+1F600) and stays accepted.
  auto ok = parse_json(R"({"name":"\ud83d\ude00"})");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(std::string((*ok)["name"].GetString()), "\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace fhir
