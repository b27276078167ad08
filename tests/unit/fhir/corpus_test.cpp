// Real examples published by others (tests/data/fhir/corpus, see its README): valid ones pass R4
// validation, known-invalid ones fail with the expression of the fault.

#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "fhir/validator.hpp"
#include "test_json.hpp"

namespace fhir {
namespace {

using test::dump;

outcome validate_file(const std::string& name) {
  return validate_json(test::read_file(test::data_path("corpus/" + name)));
}

bool has_issue_at(const outcome& o, std::string_view expression) {
  for (const auto& i : o.issues) {
    if (i.severity == severity::error && i.expression == expression) return true;
  }
  return false;
}

class corpus_valid : public ::testing::TestWithParam<std::string> {};

TEST_P(corpus_valid, passes_r4_validation_without_errors) {
  outcome o = validate_file(GetParam());
  EXPECT_TRUE(o.ok()) << dump(o);
}

INSTANTIATE_TEST_SUITE_P(files, corpus_valid,
                         ::testing::Values("bars-api-operationoutcome-409-duplicate.json",
                                           "bars-api-v1.4.0-servicerequest-request-sync-http-response-bundle.json",
                                           "bars-api-v1.4.0-servicerequest-request-validation-message-bundle.json",
                                           "r4-official-communication.json",
                                           "r4-official-messageheader-with-response.json",
                                           "r4-official-questionnaireresponse-gcs.json",
                                           "r4-official-servicerequest-example2-physiotherapy.json",
                                           "r4-official-servicerequest-physical-therapy.json",
                                           "r4-official-task-example1-in-progress-businessStatus.json",
                                           "r4-official-task-example2-accepted-partOf.json",
                                           "r4-official-task-example6-completed-with-output.json",
                                           "r4-testcases-patient-example.json"),
                         [](const auto& p) {
                           std::string n = p.param.substr(0, p.param.size() - 5);
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(corpus_invalid, document_reference_without_status_and_content) {
  outcome o = validate_file("INVALID-bars-api-v1.4.0-documentreference-missing-status-content.json");
  EXPECT_TRUE(has_issue_at(o, "DocumentReference.status")) << dump(o);
  EXPECT_TRUE(has_issue_at(o, "DocumentReference.content")) << dump(o);
}

TEST(corpus_invalid, service_request_with_object_basedOn_and_unknown_PatientInstruction) {
  outcome o =
      validate_file("INVALID-bars-api-v1.4.0-servicerequest-put-basedOn-object-unknown-PatientInstruction.json");
  EXPECT_TRUE(has_issue_at(o, "ServiceRequest.basedOn")) << dump(o);
  EXPECT_TRUE(has_issue_at(o, "ServiceRequest.PatientInstruction")) << dump(o);
}

TEST(corpus_invalid, json_syntax_error_is_refused_with_an_offset) {
  outcome o = validate_file("INVALID-json-syntax-wrong-close-bracket.json");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.issues[0].diagnostics.find("at byte"), std::string::npos) << dump(o);
}

TEST(corpus_invalid, patient_id_with_underscore) {
  outcome o = validate_file("INVALID-r4-patient-id-underscore.json");
  EXPECT_TRUE(has_issue_at(o, "Patient.id")) << dump(o);
}

}  // namespace
}  // namespace fhir
