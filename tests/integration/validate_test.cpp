// POST /fhir/$validate and /fhir/{type}/$validate through the real binary over mutual TLS, beside
// `gatewayctl validate FILE` on the same bytes: both must give the same verdict and name the same
// elements (they share gateway::core::validate_operation), for every file of the corpus.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string referral_json() {
  return read_text(source_dir() + "/tests/data/core/servicerequest-contained.json");
}

// "error|ServiceRequest.subject", "warning|..." for each error and warning issue.
using issue_set = std::set<std::string>;

struct answer_issues {
  bool is_operation_outcome = false;
  issue_set issues;
  std::set<std::string> information;  // diagnostics of information issues
};

answer_issues issues_of_outcome(const std::string& body) {
  answer_issues out;
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (!doc.IsObject() || !doc.HasMember("resourceType") || !doc["resourceType"].IsString() ||
      std::string(doc["resourceType"].GetString()) != "OperationOutcome" || !doc.HasMember("issue") ||
      !doc["issue"].IsArray()) {
    return out;
  }
  out.is_operation_outcome = true;
  for (const auto& i : doc["issue"].GetArray()) {
    const std::string severity = i["severity"].GetString();
    std::string expression;
    if (i.HasMember("expression") && i["expression"].IsArray() && !i["expression"].Empty()) {
      expression = i["expression"][0].GetString();
    }
    if (severity == "information") {
      out.information.insert(i.HasMember("diagnostics") ? i["diagnostics"].GetString() : "");
    } else {
      out.issues.insert((severity == "fatal" ? std::string("error") : severity) + "|" + expression);
    }
  }
  return out;
}

// gatewayctl's lines "FILE: EXPRESSION: [warning: ]MESSAGE" ("-" for no expression).
issue_set issues_of_lines(const std::string& file, const std::string& out) {
  issue_set issues;
  std::istringstream lines(out);
  std::string line;
  const std::string prefix = file + ": ";
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.compare(0, prefix.size(), prefix), 0) << line;
    const std::string rest = line.substr(prefix.size());
    const auto colon = rest.find(": ");
    EXPECT_NE(colon, std::string::npos) << line;
    std::string expression = rest.substr(0, colon);
    if (expression == "-") expression.clear();
    if (rest.compare(colon + 2, 13, "information: ") == 0) continue;  // notes, as issues_of_outcome
    const bool warning = rest.compare(colon + 2, 9, "warning: ") == 0;
    issues.insert((warning ? "warning|" : "error|") + expression);
  }
  return issues;
}

// An answer without errors or warnings: "All OK", or only notes such as "codes from SNOMED CT
// were accepted without checking".
bool all_ok(const answer_issues& a) {
  if (!a.issues.empty() || a.information.empty()) return false;
  if (a.information == std::set<std::string>{"All OK"}) return true;
  for (const auto& note : a.information) {
    if (note.find("accepted without checking") == std::string::npos) return false;
  }
  return true;
}

bool has_errors(const issue_set& issues) {
  for (const auto& i : issues) {
    if (i.rfind("error|", 0) == 0) return true;
  }
  return false;
}

// What the gateway's $validate must say about each corpus file: the README's R4 verdict, except
// that a ServiceRequest also gets the referral profile (the official R4 examples name no NHS
// number, so the gateway refuses them while plain R4 passes them). `must_name` lists expressions
// of errors the answer has to include.
struct corpus_expectation {
  bool valid;
  bool request_refused;  // 400: the body is not JSON at all
  std::vector<std::string> must_name;
};

const std::map<std::string, corpus_expectation>& corpus_expectations() {
  static const std::map<std::string, corpus_expectation> table{
      {"INVALID-bars-api-v1.4.0-documentreference-missing-status-content.json",
       {false, false, {"DocumentReference.status", "DocumentReference.content"}}},
      {"INVALID-bars-api-v1.4.0-servicerequest-put-basedOn-object-unknown-PatientInstruction.json",
       {false, false, {"ServiceRequest.basedOn", "ServiceRequest.PatientInstruction"}}},
      {"INVALID-json-syntax-wrong-close-bracket.json", {false, true, {""}}},
      {"INVALID-r4-patient-id-underscore.json", {false, false, {"Patient.id"}}},
      {"bars-api-operationoutcome-409-duplicate.json", {true, false, {}}},
      {"bars-api-v1.4.0-servicerequest-request-sync-http-response-bundle.json", {true, false, {}}},
      {"bars-api-v1.4.0-servicerequest-request-validation-message-bundle.json", {true, false, {}}},
      {"r4-official-communication.json", {true, false, {}}},
      {"r4-official-messageheader-with-response.json", {true, false, {}}},
      {"r4-official-questionnaireresponse-gcs.json", {true, false, {}}},
      {"r4-official-servicerequest-example2-physiotherapy.json", {false, false, {"ServiceRequest.subject"}}},
      {"r4-official-servicerequest-physical-therapy.json",
       {false, false, {"ServiceRequest.subject", "ServiceRequest.identifier"}}},
      {"r4-official-task-example1-in-progress-businessStatus.json", {true, false, {}}},
      {"r4-official-task-example2-accepted-partOf.json", {true, false, {}}},
      {"r4-official-task-example6-completed-with-output.json", {true, false, {}}},
      {"r4-testcases-patient-example.json", {true, false, {}}},
  };
  return table;
}

class validate_test : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<child_process>(gateway_args(shared_certs_dir(), dir_));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  https_client client(const std::string& who = "practice-a") {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt", dev_identity(shared_certs_dir(), who));
  }
  static run_result gatewayctl_validate(const std::vector<std::string>& args) {
    std::vector<std::string> argv{gatewayctl_binary(), "validate"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(validate_test, every_corpus_file_gets_the_same_verdict_and_expressions_from_the_server_and_gatewayctl) {
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  const std::filesystem::path corpus = source_dir() + "/tests/data/fhir/corpus";
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    const auto expected = corpus_expectations().find(name);
    ASSERT_NE(expected, corpus_expectations().end()) << "a corpus file without an expectation in this test";
    const std::string path = entry.path().string();

    const auto http = c.request("POST", "/fhir/$validate", read_text(path));
    EXPECT_EQ(http.status, expected->second.request_refused ? 400 : 200) << http.body;
    const answer_issues server = issues_of_outcome(http.body);
    ASSERT_TRUE(server.is_operation_outcome) << http.body;

    const run_result cli = gatewayctl_validate({path});
    EXPECT_EQ(cli.exit_code, expected->second.valid ? 0 : 1) << cli.out << cli.err;
    const issue_set local = issues_of_lines(path, cli.out);

    EXPECT_EQ(server.issues, local) << "server:\n" << http.body << "\ngatewayctl:\n" << cli.out;
    EXPECT_EQ(has_errors(server.issues), !expected->second.valid) << http.body;
    if (expected->second.valid && server.issues.empty()) {
      EXPECT_TRUE(all_ok(server)) << http.body;
    }
    for (const auto& expression : expected->second.must_name) {
      EXPECT_TRUE(server.issues.count("error|" + expression)) << expression << " not named in " << http.body;
    }
    ++checked;
  }
  EXPECT_EQ(checked, corpus_expectations().size()) << "an expected corpus file is missing";
}

TEST_F(validate_test, gatewayctl_validates_several_files_at_once_and_exits_2_on_usage_errors) {
  const std::string corpus = source_dir() + "/tests/data/fhir/corpus/";
  const auto all_valid =
      gatewayctl_validate({corpus + "r4-testcases-patient-example.json", corpus + "r4-official-communication.json"});
  EXPECT_EQ(all_valid.exit_code, 0) << all_valid.out << all_valid.err;
  EXPECT_TRUE(issues_of_lines(corpus + "r4-testcases-patient-example.json", all_valid.out).empty() ||
              all_valid.out.find("warning: ") == std::string::npos)
      << all_valid.out;
  const auto one_bad = gatewayctl_validate(
      {corpus + "r4-testcases-patient-example.json", corpus + "INVALID-r4-patient-id-underscore.json"});
  EXPECT_EQ(one_bad.exit_code, 1) << one_bad.out << one_bad.err;
  EXPECT_NE(one_bad.out.find(corpus + "INVALID-r4-patient-id-underscore.json: Patient.id: "), std::string::npos)
      << one_bad.out;
  EXPECT_EQ(gatewayctl_validate({}).exit_code, 2);
  EXPECT_EQ(gatewayctl_validate({"--no-such-option", corpus + "r4-testcases-patient-example.json"}).exit_code, 2);
  const auto missing = gatewayctl_validate({dir_.str("does-not-exist.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("does-not-exist.json: cannot read"), std::string::npos) << missing.err;
}

TEST_F(validate_test, a_valid_referral_is_all_ok_and_nothing_is_stored) {
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  const auto a = c.request("POST", "/fhir/ServiceRequest/$validate", referral_json());
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.header("content-type"), "application/fhir+json; charset=utf-8");
  const answer_issues issues = issues_of_outcome(a.body);
  EXPECT_TRUE(all_ok(issues)) << a.body;
  // The referral's SNOMED CT codes are not checked, and the answer says so.
  EXPECT_NE(a.body.find("SNOMED CT"), std::string::npos) << a.body;
  // Validating stored nothing: the same referral is then created afresh (201), not a repeat (200).
  EXPECT_EQ(c.request("POST", "/fhir/ServiceRequest", referral_json()).status, 201);
}

TEST_F(validate_test, a_parameters_wrapped_resource_is_validated_like_the_bare_resource) {
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  const std::string good = referral_json();
  const std::string bad = replace_once(good, "\"intent\": \"order\"", "\"intent\": \"proposal\"");
  const auto wrap = [](const std::string& resource, const std::string& extra) {
    return "{\"resourceType\":\"Parameters\",\"parameter\":[" + extra +
           "{\"name\":\"resource\",\"resource\":" + resource + "}]}";
  };

  const auto ok =
      c.request("POST", "/fhir/$validate",
                wrap(good,
                     "{\"name\":\"mode\",\"valueCode\":\"create\"},{\"name\":\"profile\",\"valueUri\":"
                     "\"https://referral-gateway.example.org/fhir/StructureDefinition/referral-servicerequest\"},"));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(all_ok(issues_of_outcome(ok.body))) << ok.body;

  const auto bare = c.request("POST", "/fhir/$validate", bad);
  const auto wrapped = c.request("POST", "/fhir/ServiceRequest/$validate", wrap(bad, ""));
  EXPECT_EQ(bare.status, 200) << bare.body;
  EXPECT_EQ(wrapped.status, 200) << wrapped.body;
  EXPECT_TRUE(issues_of_outcome(bare.body).issues.count("error|ServiceRequest.intent")) << bare.body;
  EXPECT_EQ(issues_of_outcome(wrapped.body).issues, issues_of_outcome(bare.body).issues) << wrapped.body;

  // Another profile cannot be checked here: said in the result (200), not as a refused request.
  const auto other_profile = c.request("POST", "/fhir/$validate",
                                       wrap(good,
                                            "{\"name\":\"profile\",\"valueUri\":\"https://fhir.hl7.org.uk/"
                                            "StructureDefinition/UKCore-ServiceRequest\"},"));
  EXPECT_EQ(other_profile.status, 200) << other_profile.body;
  EXPECT_NE(other_profile.body.find("\"code\":\"not-supported\""), std::string::npos) << other_profile.body;
  EXPECT_TRUE(has_errors(issues_of_outcome(other_profile.body).issues)) << other_profile.body;

  // A malformed request is refused: no resource parameter, an unknown parameter, mode delete.
  for (const std::string& body :
       {std::string("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"mode\",\"valueCode\":\"create\"}]}"),
        wrap(good, "{\"name\":\"color\",\"valueString\":\"red\"},"),
        wrap(good, "{\"name\":\"mode\",\"valueCode\":\"delete\"},"), std::string("[1,2]")}) {
    const auto refused = c.request("POST", "/fhir/$validate", body);
    EXPECT_EQ(refused.status, 400) << body << "\n" << refused.body;
    EXPECT_TRUE(issues_of_outcome(refused.body).is_operation_outcome) << refused.body;
  }
}

// Only $validate takes the Parameters wrapper off: gatewayctl validates a file as the resource it
// is, so a Parameters file wrapping a referral whose NHS number is wrong is a valid Parameters
// resource there (the referral profile applies to a referral, not to what a Parameters carries).
TEST_F(validate_test, gatewayctl_validates_a_parameters_file_as_parameters) {
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  const std::string bad_nhs = replace_once(referral_json(), "9434765919", "9434765918");
  const std::string wrapped =
      "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":" + bad_nhs + "}]}";
  const auto server = c.request("POST", "/fhir/$validate", wrapped);
  EXPECT_EQ(server.status, 200) << server.body;
  EXPECT_TRUE(issues_of_outcome(server.body).issues.count("error|ServiceRequest.contained[0].identifier[0].value"))
      << server.body;

  const std::string file = dir_.str("parameters.json");
  write_text(file, wrapped);
  const auto cli = gatewayctl_validate({file});
  EXPECT_EQ(cli.exit_code, 0) << cli.out << cli.err;
  EXPECT_TRUE(issues_of_lines(file, cli.out).empty()) << cli.out;
  // An R4 fault inside the Parameters resource is still found, at its place in the Parameters.
  write_text(file, replace_once(wrapped, "\"intent\": \"order\"", "\"intent\": \"bogus\""));
  const auto bad = gatewayctl_validate({file});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_TRUE(issues_of_lines(file, bad.out).count("error|Parameters.parameter[0].resource.intent")) << bad.out;
}

TEST_F(validate_test, the_type_in_the_url_must_be_the_resource_type) {
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  const auto mismatch = c.request("POST", "/fhir/Patient/$validate", referral_json());
  EXPECT_EQ(mismatch.status, 400) << mismatch.body;
  EXPECT_EQ(issues_of_outcome(mismatch.body).issues, issue_set{"error|resourceType"}) << mismatch.body;
  const auto wrapped_mismatch = c.request(
      "POST", "/fhir/Task/$validate",
      "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":" + referral_json() + "}]}");
  EXPECT_EQ(wrapped_mismatch.status, 400) << wrapped_mismatch.body;

  const std::string patient = read_text(source_dir() + "/tests/data/fhir/corpus/r4-testcases-patient-example.json");
  EXPECT_EQ(c.request("POST", "/fhir/Patient/$validate", patient).status, 200);
  EXPECT_EQ(c.request("POST", "/fhir/NoSuchType/$validate", patient).status, 404);

  // gatewayctl --type is the same check.
  const std::string file = dir_.str("referral.json");
  write_text(file, referral_json());
  const auto cli = gatewayctl_validate({"--type", "Patient", file});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_EQ(issues_of_lines(file, cli.out), issue_set{"error|resourceType"}) << cli.out;
}

TEST_F(validate_test, a_service_request_gets_the_referral_profile_and_a_bad_nhs_number_is_named) {
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  // 9434765919 is valid; changing the check digit breaks modulus 11.
  const std::string bad_nhs = replace_once(referral_json(), "9434765919", "9434765918");
  const auto a = c.request("POST", "/fhir/$validate", bad_nhs);
  EXPECT_EQ(a.status, 200) << a.body;
  const issue_set issues = issues_of_outcome(a.body).issues;
  EXPECT_EQ(issues, issue_set{"error|ServiceRequest.contained[0].identifier[0].value"}) << a.body;
  EXPECT_NE(a.body.find("modulus-11"), std::string::npos) << a.body;

  const std::string file = dir_.str("bad-nhs.json");
  write_text(file, bad_nhs);
  const auto cli = gatewayctl_validate({file});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_EQ(issues_of_lines(file, cli.out), issues) << cli.out;

  // $validate accepts a draft (intake does not), and still refuses other statuses.
  const std::string draft = replace_once(referral_json(), "\"status\": \"active\"", "\"status\": \"draft\"");
  const auto d = c.request("POST", "/fhir/ServiceRequest/$validate", draft);
  EXPECT_EQ(d.status, 200);
  EXPECT_TRUE(issues_of_outcome(d.body).issues.empty()) << d.body;
  EXPECT_NE(c.request("POST", "/fhir/ServiceRequest", draft).status, 201);
  const std::string on_hold = replace_once(referral_json(), "\"status\": \"active\"", "\"status\": \"on-hold\"");
  EXPECT_TRUE(issues_of_outcome(c.request("POST", "/fhir/$validate", on_hold).body)
                  .issues.count("error|ServiceRequest.status"));
}

TEST_F(validate_test, metadata_lists_validate_for_the_system_and_service_request) {
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  const auto a = c.request("GET", "/fhir/metadata");
  ASSERT_EQ(a.status, 200);
  rapidjson::Document doc;
  doc.Parse(a.body.c_str());
  ASSERT_TRUE(doc.IsObject());
  const auto& rest = doc["rest"][0];
  const auto lists_validate = [](const rapidjson::Value& holder) {
    if (!holder.HasMember("operation")) return false;
    for (const auto& op : holder["operation"].GetArray()) {
      if (std::string(op["name"].GetString()) == "validate" &&
          std::string(op["definition"].GetString()) == "http://hl7.org/fhir/OperationDefinition/Resource-validate") {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(lists_validate(rest)) << a.body;
  bool on_service_request = false;
  for (const auto& r : rest["resource"].GetArray()) {
    if (std::string(r["type"].GetString()) == "ServiceRequest") on_service_request = lists_validate(r);
  }
  EXPECT_TRUE(on_service_request) << a.body;
}

}  // namespace
}  // namespace rg::testing
