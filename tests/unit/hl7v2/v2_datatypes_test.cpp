#include "adapters/hl7v2/v2_datatypes.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/v2_referral_ids.hpp"

namespace gateway::hl7v2 {
namespace {

TEST(V2Datatypes, DtmToFhirDate) {
  EXPECT_EQ(fhir_date_from_dtm("19800615"), "1980-06-15");
  EXPECT_EQ(fhir_date_from_dtm("198006"), "1980-06");
  EXPECT_EQ(fhir_date_from_dtm("1980"), "1980");
  EXPECT_EQ(fhir_date_from_dtm("198006151230+0100"), "1980-06-15");
  EXPECT_FALSE(fhir_date_from_dtm("19801315"));
  EXPECT_FALSE(fhir_date_from_dtm("20230229"));
  EXPECT_TRUE(fhir_date_from_dtm("20240229"));
  EXPECT_FALSE(fhir_date_from_dtm("1980-06-15"));
  EXPECT_FALSE(fhir_date_from_dtm(""));
  EXPECT_FALSE(fhir_date_from_dtm("19800"));
}

TEST(V2Datatypes, DtmToFhirDateTimeNeedsAnOffsetForATime) {
  EXPECT_EQ(fhir_date_time_from_dtm("20240301093000+0000"), "2024-03-01T09:30:00+00:00");
  EXPECT_EQ(fhir_date_time_from_dtm("202403010930-0500"), "2024-03-01T09:30:00-05:00");
  EXPECT_EQ(fhir_date_time_from_dtm("20240301093015.25+0100"), "2024-03-01T09:30:15.25+01:00");
  EXPECT_EQ(fhir_date_time_from_dtm("20240301093000"), "2024-03-01");  // no offset: the date only
  EXPECT_EQ(fhir_date_time_from_dtm("20240301"), "2024-03-01");
  EXPECT_FALSE(fhir_date_time_from_dtm("2024030199"));
  EXPECT_FALSE(fhir_date_time_from_dtm("20240301093000+25"));
}

TEST(V2Datatypes, FhirToDtm) {
  EXPECT_EQ(dtm_from_fhir("2024-05-02T09:00:00Z"), "20240502090000+0000");
  EXPECT_EQ(dtm_from_fhir("2024-05-02T09:00:00.123+01:00"), "20240502090000.123+0100");
  EXPECT_EQ(dtm_from_fhir("1980-06-15"), "19800615");
  EXPECT_EQ(dtm_from_fhir("1980"), "1980");
  EXPECT_FALSE(dtm_from_fhir("2024-05-02T09:00"));
  EXPECT_FALSE(dtm_from_fhir("tomorrow"));
}

TEST(V2Datatypes, CodingSystems) {
  EXPECT_EQ(fhir_system_for("LN"), "http://loinc.org");
  EXPECT_EQ(fhir_system_for("SCT"), "http://snomed.info/sct");
  EXPECT_EQ(coding_system_for("http://loinc.org"), "LN");
  EXPECT_EQ(fhir_system_for("99LOCAL"), "");
}

TEST(V2ReferralIds, TheReferrersIdGoesBackInItsOwnForm) {
  for (const auto& [ns, uid, type] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"RXX01-MSK", "", ""}, {"", "", ""}, {"", "1.2.826.0.1", "ISO"}, {"a b/c:d", "", ""}}) {
    const std::string system = referral_id_system(ns, uid, type);
    const entity_identifier ei = entity_identifier_for(system, "R-1");
    EXPECT_EQ(ei.id, "R-1");
    EXPECT_EQ(ei.namespace_id, ns) << system;
    EXPECT_EQ(ei.universal_id, uid);
    EXPECT_EQ(ei.universal_id_type, type);
    EXPECT_EQ(system.find(' '), std::string::npos);  // a FHIR uri has no whitespace
  }
  const entity_identifier fhir = entity_identifier_for("https://fhir.a81001.example.org/referral", "REF-1");
  EXPECT_EQ(fhir.universal_id, "https://fhir.a81001.example.org/referral");
  EXPECT_EQ(fhir.universal_id_type, "URI");
}

}  // namespace
}  // namespace gateway::hl7v2
