#include "gateway/core/transaction_bundle.hpp"

#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using gateway::core::fixtures::parse;
using gateway::core::fixtures::read_text;

namespace {

std::string bundle_text() {
  return read_text("tests/data/api/transaction-referral.json");
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture text not found: " + from);
  return text.replace(at, from.size(), to);
}

error error_of(const std::string& text) {
  const auto doc = parse(text);
  auto r = read_transaction_referral(doc);
  if (r) throw std::runtime_error("expected an error");
  return r.error();
}

}  // namespace

TEST(transaction_bundle, a_referral_with_its_resources_is_read_in_bundle_order) {
  const auto doc = parse(bundle_text());
  const auto r = read_transaction_referral(doc);
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_EQ(r->entries.size(), 9u);
  EXPECT_EQ(r->service_request, 0u);
  EXPECT_EQ(r->patient, 1u);
  EXPECT_EQ(r->entries[4].resource_type, "Organization");
  EXPECT_EQ(r->entries[4].index, 4u);
  EXPECT_EQ(r->entries[4].full_url, "urn:uuid:7f1d0c53-0000-4000-8000-000000000005");
  const auto* org = r->resolve("urn:uuid:7f1d0c53-0000-4000-8000-000000000005");
  ASSERT_NE(org, nullptr);
  EXPECT_EQ(org, r->entries[4].resource);
  EXPECT_EQ(r->resolve("urn:uuid:nope"), nullptr);
  EXPECT_EQ(r->resolve(""), nullptr);
}

TEST(transaction_bundle, only_post_entries_of_referral_types_are_taken) {
  auto e = error_of(replaced(bundle_text(), R"({ "method": "POST", "url": "Condition" })",
                             R"({ "method": "PUT", "url": "Condition/1" })"));
  EXPECT_EQ(e.kind, error_kind::invalid);
  EXPECT_EQ(e.expression, "Bundle.entry[5].request.method");

  e = error_of(replaced(replaced(bundle_text(), R"("resourceType": "Condition")", R"("resourceType": "Encounter")"),
                        R"("url": "Condition")", R"("url": "Encounter")"));
  EXPECT_EQ(e.kind, error_kind::invalid);
  EXPECT_EQ(e.expression, "Bundle.entry[5].resource.resourceType");
  EXPECT_NE(e.message.find("Encounter"), std::string::npos);

  e = error_of(replaced(bundle_text(), R"("url": "Condition")", R"("url": "Observation")"));
  EXPECT_EQ(e.expression, "Bundle.entry[5].request.url");
}

TEST(transaction_bundle, an_unresolvable_urn_uuid_names_the_entry_and_element) {
  const auto e = error_of(replaced(bundle_text(), R"({ "reference": "urn:uuid:7f1d0c53-0000-4000-8000-000000000008" })",
                                   R"({ "reference": "urn:uuid:7f1d0c53-0000-4000-8000-00000000dead" })"));
  EXPECT_EQ(e.kind, error_kind::invalid);
  EXPECT_EQ(e.expression, "Bundle.entry[0].resource.supportingInfo[1].reference");
}

TEST(transaction_bundle, full_urls_are_unique_urn_uuids) {
  auto e = error_of(replaced(bundle_text(), R"("fullUrl": "urn:uuid:7f1d0c53-0000-4000-8000-000000000003")",
                             R"("fullUrl": "https://elsewhere.example.org/Practitioner/1")"));
  EXPECT_EQ(e.expression, "Bundle.entry[2].fullUrl");
  e = error_of(replaced(bundle_text(), R"("fullUrl": "urn:uuid:7f1d0c53-0000-4000-8000-000000000003")",
                        R"("fullUrl": "urn:uuid:7f1d0c53-0000-4000-8000-000000000004")"));
  EXPECT_EQ(e.expression, "Bundle.entry[3].fullUrl");
}

TEST(transaction_bundle, exactly_one_referral_and_its_own_patient) {
  const std::string sr_type = R"("resourceType": "ServiceRequest")";
  auto e = error_of(replaced(replaced(bundle_text(), sr_type, R"("resourceType": "Condition")"),
                             R"("url": "ServiceRequest")", R"("url": "Condition")"));
  EXPECT_EQ(e.kind, error_kind::unprocessable);
  EXPECT_EQ(e.expression, "Bundle.entry");

  // The Patient entry named nowhere as the subject is not the referral's patient.
  e = error_of(
      replaced(bundle_text(), R"("subject": { "reference": "urn:uuid:7f1d0c53-0000-4000-8000-000000000002" },
        "authoredOn")",
               R"("subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" } },
        "authoredOn")"));
  EXPECT_EQ(e.kind, error_kind::unprocessable);
  EXPECT_EQ(e.expression, "Bundle.entry[1]");

  const auto empty = parse(R"({"resourceType":"Bundle","type":"transaction","entry":[]})");
  EXPECT_FALSE(read_transaction_referral(empty));
}
