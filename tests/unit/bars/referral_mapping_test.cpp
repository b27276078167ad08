#include "adapters/bars/referral_mapping.hpp"

#include <gtest/gtest.h>

#include "bars_test_data.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/referral_profile.hpp"

namespace gateway::bars {
namespace {

struct mapped {
  rapidjson::Document original;
  inbound_message message;
  mapped_referral referral;

  const rapidjson::Value& service_request() const {
    return *referral.entries.entries[referral.entries.service_request].resource;
  }
};

std::unique_ptr<mapped> map_text(const std::string& text) {
  auto m = std::make_unique<mapped>();
  m->original = test::parse(text);
  auto read = read_inbound_message(m->original);
  if (!read) throw std::runtime_error(read.error().text());
  m->message = std::move(*read);
  m->referral = map_referral(m->message, m->original);
  return m;
}

core::result<core::referral> normalise(const mapped& m) {
  return core::normalise_service_request(m.service_request(),
                                         [&](std::string_view ref) { return m.referral.entries.resolve(ref); });
}

bool has_note(const mapped& m, std::string_view expression) {
  for (const auto& n : m.referral.notes)
    if (n.expression == expression) return true;
  return false;
}

TEST(referral_mapping, the_published_referral_with_a_valid_nhs_number_passes_the_platforms_profile) {
  const auto m = map_text(test::referral_text());
  const auto& sr = m->service_request();
  EXPECT_STREQ(sr["identifier"][0]["system"].GetString(), "urn:ietf:rfc:3986");
  EXPECT_STREQ(sr["identifier"][0]["value"].GetString(), "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c");
  EXPECT_STREQ(sr["authoredOn"].GetString(), "2021-11-26T15:00:00+00:00");  // Bundle.timestamp
  EXPECT_STREQ(sr["requester"]["reference"].GetString(), "urn:uuid:07939a0c-2854-46ff-9282-ad906bc93679");
  // ... with its ODS code beside it, so the stored referral names its requester by itself.
  EXPECT_STREQ(sr["requester"]["identifier"]["system"].GetString(), "https://fhir.nhs.uk/Id/ods-organization-code");
  EXPECT_STREQ(sr["requester"]["identifier"]["value"].GetString(), "RND");
  EXPECT_STREQ(sr["intent"].GetString(), "order");  // BaRS's fixed "plan": a referral the platform acts on
  EXPECT_TRUE(has_note(*m, "Bundle.entry[1].resource.intent"));
  ASSERT_TRUE(sr.HasMember("reasonCode"));
  EXPECT_EQ(sr["reasonCode"].Size(), 4u);  // the CarePlan's four coded outcomes; its two text-only ones are not
  EXPECT_TRUE(has_note(*m, "Bundle.entry[1].resource.identifier[0]"));
  EXPECT_TRUE(has_note(*m, "Bundle.entry[1].resource.authoredOn"));
  EXPECT_TRUE(has_note(*m, "Bundle.entry[1].resource.reasonCode"));
  EXPECT_TRUE(has_note(*m, "Bundle.entry[1].resource.requester"));

  const auto r = normalise(*m);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->requester_ods, "RND");  // the sender Organization, its ODS system read as defined
  EXPECT_EQ(r->nhs_number, test::valid_nhs_number);
  EXPECT_EQ(r->referrer_identifier.value, "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c");
  EXPECT_TRUE(core::check_referral_profile(*r).empty());
  const auto profile = fhir::validate_referral_in_bundle(*m->referral.bundle, m->referral.entries.service_request);
  EXPECT_TRUE(profile.ok()) << (profile.issues.empty()
                                    ? ""
                                    : profile.issues[0].expression + ": " + profile.issues[0].diagnostics);
  EXPECT_TRUE(fhir::validate(*m->referral.bundle).ok());
  ASSERT_TRUE(m->referral.entries.patient);
  EXPECT_EQ(*m->referral.entries.patient, 5u);
}

TEST(referral_mapping, the_published_nhs_number_is_refused_by_the_profile_naming_it) {
  const auto m = map_text(test::published_referral_text());
  const auto profile = fhir::validate_referral_in_bundle(*m->referral.bundle, m->referral.entries.service_request);
  ASSERT_FALSE(profile.ok());
  bool named = false;
  for (const auto& i : profile.issues)
    named = named || (i.expression.starts_with("Bundle.entry[") && i.expression.ends_with("identifier[0].value") &&
                      i.diagnostics.find("NHS number") != std::string::npos &&
                      i.diagnostics.find("modulus-11") != std::string::npos);
  EXPECT_TRUE(named);
  EXPECT_EQ(profile.error_count(), 1u) << "the NHS number is the only problem left";
}

TEST(referral_mapping, lower_case_ods_systems_are_written_as_defined_with_a_warning_each) {
  const auto m = map_text(test::referral_text());
  const auto& sender = (*m->referral.bundle)["entry"][12]["resource"];
  ASSERT_STREQ(sender["name"].GetString(), "Sender Organization");
  EXPECT_STREQ(sender["identifier"][0]["system"].GetString(), "https://fhir.nhs.uk/Id/ods-organization-code");
  std::size_t ods = 0, dos = 0;
  for (const auto& n : m->referral.notes) {
    if (n.severity != fhir::severity::warning) continue;
    ods += n.diagnostics.find("spells it https://fhir.nhs.uk/id/ods-organization-code") != std::string::npos;
    dos += n.diagnostics.find("spells it http://fhir.nhs.uk/Id/dos-service-id") != std::string::npos;
  }
  EXPECT_EQ(ods, 3u);  // the patient's surgery, the receiving organisation and the sender
  EXPECT_EQ(dos, 1u);  // the HealthcareService
  EXPECT_TRUE(has_note(*m, "Bundle.entry[12].resource.identifier[0].system"));
  // The original is untouched.
  EXPECT_STREQ(m->original["entry"][12]["resource"]["identifier"][0]["system"].GetString(),
               "https://fhir.nhs.uk/id/ods-organization-code");
}

TEST(referral_mapping, what_the_sender_gave_is_kept) {
  // An identifier of the sender's own, a coded reason and an authoredOn of its own.
  std::string text = test::replaced(test::referral_text(), R"("status": "active",)",
                                    R"("identifier": [{"system": "https://sender.example/ref", "value": "R-1"}],
                                       "status": "active", "authoredOn": "2021-11-25T09:00:00+00:00",
                                       "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "203082005"}]}],)");
  const auto m = map_text(text);
  const auto& sr = m->service_request();
  ASSERT_EQ(sr["identifier"].Size(), 2u);
  EXPECT_STREQ(sr["identifier"][0]["system"].GetString(), "urn:ietf:rfc:3986");  // first: the idempotency key
  EXPECT_STREQ(sr["identifier"][1]["value"].GetString(), "R-1");
  EXPECT_STREQ(sr["authoredOn"].GetString(), "2021-11-25T09:00:00+00:00");
  ASSERT_EQ(sr["reasonCode"].Size(), 1u);
  EXPECT_STREQ(sr["reasonCode"][0]["coding"][0]["code"].GetString(), "203082005");
  EXPECT_FALSE(has_note(*m, "Bundle.entry[1].resource.reasonCode"));
}

TEST(referral_mapping, the_senders_episode_of_care_is_kept_as_sent_and_reported) {
  const auto m = map_text(test::referral_text());
  const auto& encounter = *m->referral.entries.entries[3].resource;
  ASSERT_STREQ(encounter["resourceType"].GetString(), "Encounter");
  EXPECT_STREQ(encounter["episodeOfCare"][0]["reference"].GetString(),
               "EpisodeOfCare/d877b820-e72b-44d1-a627-195f54bfc606");
  EXPECT_TRUE(has_note(*m, "Bundle.entry[3].resource.episodeOfCare[0].reference"));
  // A reference to a type the gateway stores is not the sender's record: no note (the create's
  // reference check decides on it).
  const auto other = map_text(test::replaced(test::referral_text(), "EpisodeOfCare/d877b820", "Condition/d877b820"));
  EXPECT_FALSE(has_note(*other, "Bundle.entry[3].resource.episodeOfCare[0].reference"));
}

TEST(referral_mapping, a_requester_that_names_an_ods_code_is_kept) {
  std::string text =
      test::replaced(test::referral_text(), R"("reference": "urn:uuid:7d948662-bade-450e-b6c5-9bb6ee39cb56")",
                     R"("identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RND"})");
  const auto m = map_text(text);
  EXPECT_FALSE(m->service_request()["requester"].HasMember("reference"));
  EXPECT_FALSE(has_note(*m, "Bundle.entry[1].resource.requester"));
}

TEST(referral_mapping, nothing_is_invented_when_the_message_has_no_reason_anywhere) {
  std::string text = test::replaced(test::referral_text(), R"("basedOn":  [)", R"("replaces":  [)");
  const auto m = map_text(text);
  EXPECT_FALSE(m->service_request().HasMember("reasonCode"));
  const auto r = normalise(*m);
  ASSERT_TRUE(r);
  bool reason_missing = false;
  for (const auto& e : core::check_referral_profile(*r))
    reason_missing = reason_missing || e.expression == "ServiceRequest.reasonCode";
  EXPECT_TRUE(reason_missing);
}

}  // namespace
}  // namespace gateway::bars
