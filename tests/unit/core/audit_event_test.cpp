#include "gateway/core/audit_event.hpp"

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "fhir/validator.hpp"

namespace gateway::core {
namespace {

audit_input input() {
  audit_input in;
  in.id = "a1b2c3d4-0000-4000-8000-000000000001";
  in.caller_name = "practice-a";
  in.caller_org = "A81001";
  in.caller_role = "referrer";
  in.action = audit_action::create;
  in.interaction = "operation";
  in.entity_type = "ServiceRequest";
  in.entity_id = "sr-1";
  in.request_id = "c1ab3fba-6bae-4ba4-b257-5a87c44d4a91";
  return in;
}

std::vector<std::pair<std::string, std::string>> details(const audit_record& r) {
  rapidjson::Document d;
  d.Parse(r.json.c_str());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& detail : d["entity"][0]["detail"].GetArray())
    out.emplace_back(detail["type"].GetString(), detail["valueString"].GetString());
  return out;
}

TEST(audit_event, carries_the_request_id_as_an_entity_detail) {
  const auto r = build_audit_record(input());
  rapidjson::Document d;
  d.Parse(r.json.c_str());
  EXPECT_TRUE(fhir::validate(d).ok());
  EXPECT_EQ(
      details(r),
      (std::vector<std::pair<std::string, std::string>>{{"X-Request-ID", "c1ab3fba-6bae-4ba4-b257-5a87c44d4a91"}}));
}

TEST(audit_event, carries_the_correlation_id_and_whom_the_caller_acted_for) {
  auto in = input();
  in.correlation_id = "9562466f-c982-4bd5-bb0e-255e9f5e6689";
  in.on_behalf_of = "organisation https://fhir.nhs.uk/Id/ods-organization-code|Y12345 (GP); software NHS 111 v1";
  const auto r = build_audit_record(in);
  rapidjson::Document d;
  d.Parse(r.json.c_str());
  EXPECT_TRUE(fhir::validate(d).ok());
  const auto got = details(r);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1], (std::pair<std::string, std::string>{"X-Correlation-ID", in.correlation_id}));
  EXPECT_EQ(got[2], (std::pair<std::string, std::string>{"on-behalf-of", in.on_behalf_of}));
}

}  // namespace
}  // namespace gateway::core
