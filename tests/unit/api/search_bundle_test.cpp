#include "gateway/api/search_bundle.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "gateway/api/route_table.hpp"

namespace gateway::api {
namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

TEST(search_bundle, searchset_has_total_links_and_match_entries) {
  searchset s;
  s.total = 7;
  s.self_url = "https://gw/fhir/Task?status=requested";
  s.next_url = "https://gw/fhir/Task?status=requested&_cursor=c1.x.9";
  s.matches.push_back({"https://gw/fhir/Task/t1", R"({"resourceType":"Task","id":"t1"})"});
  const auto d = parse(searchset_json(s));
  EXPECT_STREQ(d["resourceType"].GetString(), "Bundle");
  EXPECT_STREQ(d["type"].GetString(), "searchset");
  EXPECT_EQ(d["total"].GetInt(), 7);
  ASSERT_EQ(d["link"].Size(), 2u);
  EXPECT_STREQ(d["link"][0]["relation"].GetString(), "self");
  EXPECT_STREQ(d["link"][1]["relation"].GetString(), "next");
  EXPECT_STREQ(d["link"][1]["url"].GetString(), "https://gw/fhir/Task?status=requested&_cursor=c1.x.9");
  ASSERT_EQ(d["entry"].Size(), 1u);
  EXPECT_STREQ(d["entry"][0]["fullUrl"].GetString(), "https://gw/fhir/Task/t1");
  EXPECT_STREQ(d["entry"][0]["resource"]["id"].GetString(), "t1");
  EXPECT_STREQ(d["entry"][0]["search"]["mode"].GetString(), "match");
}

TEST(search_bundle, last_page_has_no_next_and_unknown_total_is_omitted) {
  searchset s;
  s.self_url = "https://gw/fhir/AuditEvent";
  const auto d = parse(searchset_json(s));
  EXPECT_FALSE(d.HasMember("total"));
  EXPECT_EQ(d["link"].Size(), 1u);
  EXPECT_FALSE(d.HasMember("entry")) << "no empty arrays in FHIR JSON";
}

TEST(search_bundle, notes_become_an_outcome_entry_naming_each_ignored_parameter) {
  searchset s;
  s.total = 0;
  s.self_url = "https://gw/fhir/ServiceRequest";
  s.notes = search_notes({"foo", "identifier:missing"}, 500, 100);
  const auto d = parse(searchset_json(s));
  ASSERT_EQ(d["entry"].Size(), 1u);
  const auto& entry = d["entry"][0];
  EXPECT_STREQ(entry["search"]["mode"].GetString(), "outcome");
  EXPECT_STREQ(entry["resource"]["resourceType"].GetString(), "OperationOutcome");
  const auto& issues = entry["resource"]["issue"];
  ASSERT_EQ(issues.Size(), 3u);
  EXPECT_STREQ(issues[0]["severity"].GetString(), "warning");
  EXPECT_NE(std::string(issues[0]["diagnostics"].GetString()).find("'foo'"), std::string::npos);
  EXPECT_NE(std::string(issues[1]["diagnostics"].GetString()).find("'identifier:missing'"), std::string::npos);
  EXPECT_STREQ(issues[2]["severity"].GetString(), "information");
  EXPECT_NE(std::string(issues[2]["diagnostics"].GetString()).find("500"), std::string::npos);
}

TEST(search_bundle, strict_refusal_has_an_error_per_parameter) {
  const auto o = strict_refusal({"foo", "bar"});
  ASSERT_EQ(o.issues.size(), 2u);
  EXPECT_EQ(o.issues[0].severity, fhir::severity::error);
  EXPECT_NE(o.issues[1].diagnostics.find("'bar'"), std::string::npos);
}

TEST(search_bundle, urls_encode_values_and_round_trip_through_the_query_parser) {
  const std::vector<query_param> params{{"identifier", "https://x.example/ref|A B&C=D"},
                                        {"_lastUpdated", "ge2024-05-01T10:00:00+01:00"}};
  const std::string url = search_url("https://gw/fhir", "ServiceRequest", params, std::string("c1.ab.3"));
  EXPECT_EQ(url.rfind("https://gw/fhir/ServiceRequest?identifier=https://x.example/ref%7CA%20B%26C%3DD&", 0), 0u)
      << url;
  const auto decoded = parse_query(url.substr(url.find('?') + 1));
  ASSERT_EQ(decoded.size(), 3u);
  EXPECT_EQ(decoded[0].value, "https://x.example/ref|A B&C=D");
  EXPECT_EQ(decoded[1].value, "ge2024-05-01T10:00:00+01:00");
  EXPECT_EQ(decoded[2].name, "_cursor");
  EXPECT_EQ(decoded[2].value, "c1.ab.3");
  EXPECT_EQ(search_url("https://gw/fhir", "Task", {}, std::nullopt), "https://gw/fhir/Task");
}

}  // namespace
}  // namespace gateway::api
