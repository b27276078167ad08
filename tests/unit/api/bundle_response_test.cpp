#include "gateway/api/bundle_response.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "fhir/validator.hpp"
#include "gateway/api/capability_statement.hpp"

namespace gateway::api {
namespace {

core::resource_record stored_observation() {
  core::resource_record r;
  r.type = "Observation";
  r.id = "obs-1";
  r.version = 1;
  r.last_updated = "2026-11-26T04:39:44.123Z";
  r.json =
      R"({"resourceType":"Observation","id":"obs-1","meta":{"versionId":"1","lastUpdated":"2026-11-26T04:39:44.123Z"},)"
      R"("status":"final","code":{"text":"PHQ-9"}})";
  return r;
}

TEST(bundle_response, status_text_carries_the_reason_phrase) {
  EXPECT_EQ(status_text(201), "201 Created");
  EXPECT_EQ(status_text(200), "200 OK");
  EXPECT_EQ(status_text(405), "405 Method Not Allowed");
}

TEST(bundle_response, a_stored_resource_answers_with_relative_location_and_weak_etag) {
  const auto a = answer_for_record(stored_observation(), 201, "https://gw/fhir", true);
  EXPECT_EQ(a.status, "201 Created");
  EXPECT_EQ(a.full_url, "https://gw/fhir/Observation/obs-1");
  EXPECT_EQ(a.location, "Observation/obs-1/_history/1");
  EXPECT_EQ(a.etag, "W/\"1\"");
  EXPECT_EQ(a.last_modified, "2026-11-26T04:39:44.123Z");
  EXPECT_FALSE(a.resource_json.empty());
  EXPECT_TRUE(answer_for_record(stored_observation(), 201, "https://gw/fhir", false).resource_json.empty());
}

TEST(bundle_response, transaction_and_batch_responses_are_valid_r4_bundles) {
  bundle_entry_answer failed;
  failed.status = status_text(404);
  failed.outcome_json =
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found","diagnostics":"no"}]})";
  const std::vector<bundle_entry_answer> entries{answer_for_record(stored_observation(), 201, "https://gw/fhir", true),
                                                 failed};
  for (const char* type : {"transaction-response", "batch-response"}) {
    const std::string json = bundle_response_json(type, entries);
    rapidjson::Document doc;
    ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
    EXPECT_STREQ(doc["type"].GetString(), type);
    ASSERT_EQ(doc["entry"].Size(), 2u);
    EXPECT_STREQ(doc["entry"][0]["response"]["location"].GetString(), "Observation/obs-1/_history/1");
    EXPECT_STREQ(doc["entry"][0]["resource"]["id"].GetString(), "obs-1");
    EXPECT_STREQ(doc["entry"][1]["response"]["outcome"]["resourceType"].GetString(), "OperationOutcome");
    const fhir::outcome o = fhir::validate(doc);
    EXPECT_TRUE(o.ok()) << (o.issues.empty() ? "" : o.issues[0].expression + ": " + o.issues[0].diagnostics);
  }
}

TEST(bundle_response, a_route_that_also_provides_batch_lists_both_system_interactions) {
  route_table t;
  route r;
  r.method = boost::beast::http::verb::post;
  r.pattern = "/";
  r.kind = interaction::transaction;
  r.also_provides = {interaction::batch};
  t.add(r);
  rapidjson::Document doc;
  const std::string json = build_capability_statement(t, {"gw", "1.0", "desc", "", "2026-11-26T00:00:00Z"});
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError());
  const auto& codes = doc["rest"][0]["interaction"];
  ASSERT_EQ(codes.Size(), 2u);
  EXPECT_STREQ(codes[0]["code"].GetString(), "batch");
  EXPECT_STREQ(codes[1]["code"].GetString(), "transaction");
}

TEST(bundle_route_matching, the_base_path_itself_matches_the_root_pattern_with_or_without_slash) {
  route_table t;
  route r;
  r.method = boost::beast::http::verb::post;
  r.pattern = "/";
  r.kind = interaction::transaction;
  t.add(r);
  EXPECT_EQ(t.match(boost::beast::http::verb::post, "").result, route_match::outcome::found);
  EXPECT_EQ(t.match(boost::beast::http::verb::post, "/").result, route_match::outcome::found);
  EXPECT_EQ(t.match(boost::beast::http::verb::post, "/Patient").result, route_match::outcome::not_found);
  EXPECT_EQ(t.match(boost::beast::http::verb::get, "/").result, route_match::outcome::wrong_method);
}

}  // namespace
}  // namespace gateway::api
