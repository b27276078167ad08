// POST /fhir with transaction and batch Bundles through the real binary over mutual TLS: a
// referral stored with its resources and references rewritten, all or nothing, repeats, the
// Patient kept per NHS number and practice, batch entries answered one by one, and what /metadata says.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/gateway_test.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

// The nine-entry referral transaction from practice-a, with its own referral number.
std::string transaction(const std::string& number) {
  return replaced(read_text(source_dir() + "/tests/data/api/transaction-referral.json"), "REF-TX-0001", number);
}

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc;
}

std::string str(const rapidjson::Value& v, const char* member) {
  if (!v.IsObject() || !v.HasMember(member) || !v[member].IsString()) return {};
  return v[member].GetString();
}

std::string reference(const rapidjson::Value& v) {
  return str(v, "reference");
}

// "Observation/abc/_history/1" -> "Observation/abc".
std::string without_history(const std::string& location) {
  return location.substr(0, location.find("/_history"));
}

class transaction_test : public gateway_test {};

TEST_F(transaction_test, a_referral_and_its_resources_are_stored_with_references_rewritten) {
  auto a = client("practice-a");
  const auto r = a.request("POST", "/fhir", transaction("REF-TX-1"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = parse(r.body);
  ASSERT_EQ(str(answer, "type"), "transaction-response") << r.body;
  const auto& entries = answer["entry"];
  ASSERT_EQ(entries.Size(), 9u);
  const char* types[] = {"ServiceRequest", "Patient",     "Practitioner",          "PractitionerRole", "Organization",
                         "Condition",      "Observation", "QuestionnaireResponse", "DocumentReference"};
  std::map<std::string, std::string> stored;  // type -> "Type/id"
  for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
    const auto& response = entries[i]["response"];
    EXPECT_EQ(str(response, "status"), "201 Created") << i;
    const std::string location = str(response, "location");
    EXPECT_EQ(location.rfind(std::string(types[i]) + "/", 0), 0u) << location;
    EXPECT_NE(location.find("/_history/1"), std::string::npos) << location;
    EXPECT_EQ(str(response, "etag"), "W/\"1\"");
    EXPECT_FALSE(str(response, "lastModified").empty());
    stored[types[i]] = without_history(location);
  }
  EXPECT_EQ(r.body.find("urn:uuid:"), std::string::npos) << "no Bundle-local reference is left";

  // Read back what was stored: the references point at the stored resources.
  const auto sr_read = a.request("GET", "/fhir/" + stored["ServiceRequest"]);
  ASSERT_EQ(sr_read.status, 200) << sr_read.body;
  const auto sr = parse(sr_read.body);
  EXPECT_EQ(reference(sr["subject"]), stored["Patient"]);
  EXPECT_EQ(reference(sr["requester"]), stored["PractitionerRole"]);
  EXPECT_EQ(reference(sr["reasonReference"][0]), stored["Condition"]);
  EXPECT_EQ(reference(sr["supportingInfo"][0]), stored["Observation"]);
  EXPECT_EQ(reference(sr["supportingInfo"][1]), stored["QuestionnaireResponse"]);
  EXPECT_EQ(reference(sr["supportingInfo"][2]), stored["DocumentReference"]);

  const auto role_read = a.request("GET", "/fhir/" + stored["PractitionerRole"]);
  ASSERT_EQ(role_read.status, 200) << role_read.body;
  const auto role = parse(role_read.body);
  EXPECT_EQ(reference(role["practitioner"]), stored["Practitioner"]);
  EXPECT_EQ(reference(role["organization"]), stored["Organization"]);
  EXPECT_EQ(a.request("GET", "/fhir/" + stored["Practitioner"]).status, 200);
  const auto condition = parse(a.request("GET", "/fhir/" + stored["Condition"]).body);
  EXPECT_EQ(reference(condition["subject"]), stored["Patient"]);
  const auto org = parse(a.request("GET", "/fhir/" + stored["Organization"]).body);
  EXPECT_EQ(str(org, "name"), "Practice A");

  // Patients are the platform's to read (shared by every referrer of the person).
  auto platform = client("platform");
  const auto patient_read = platform.request("GET", "/fhir/" + stored["Patient"]);
  ASSERT_EQ(patient_read.status, 200) << patient_read.body;
  EXPECT_EQ(reference(parse(patient_read.body)["generalPractitioner"][0]), stored["Organization"]);

  // The supporting resources as the answer carried them (what the store wrote).
  const auto& observation = entries[6]["resource"];
  EXPECT_EQ(str(observation, "resourceType"), "Observation");
  EXPECT_EQ(reference(observation["subject"]), stored["Patient"]);
  EXPECT_EQ(reference(entries[8]["resource"]["subject"]), stored["Patient"]);

  // Another organisation sees none of it.
  auto b = client("practice-b");
  EXPECT_EQ(b.request("GET", "/fhir/" + stored["ServiceRequest"]).status, 404);
  EXPECT_EQ(b.request("GET", "/fhir/" + stored["PractitionerRole"]).status, 404);
}

TEST_F(transaction_test, one_bad_entry_fails_the_whole_transaction_and_stores_nothing) {
  auto a = client("practice-a");
  const std::string good = transaction("REF-TX-2");
  struct bad_case {
    std::string body;
    int status;
    std::string expression;
  };
  const std::vector<bad_case> cases = {
      // not R4: a status outside its value set
      {replaced(good, R"("status": "final")", R"("status": "bogus")"), 400, "Bundle.entry[6].resource"},
      // a reference to no entry
      {replaced(good, R"({ "reference": "urn:uuid:7f1d0c53-0000-4000-8000-000000000008" })",
                R"({ "reference": "urn:uuid:7f1d0c53-0000-4000-8000-00000000dead" })"),
       400, "Bundle.entry[0].resource.supportingInfo[1].reference"},
      // a resource type a referral does not carry
      {replaced(good, R"({ "method": "POST", "url": "DocumentReference" })",
                R"({ "method": "POST", "url": "DocumentReference" } },)"
                R"({ "resource": { "resourceType": "Person", "name": [ { "family": "Jones" } ] },)"
                R"(   "request": { "method": "POST", "url": "Person" })"),
       400, "Bundle.entry[9].resource.resourceType"},
      // a method other than create
      {replaced(good, R"({ "method": "POST", "url": "Practitioner" })",
                R"({ "method": "PUT", "url": "Practitioner/1" })"),
       400, "Bundle.entry[2].request.method"},
      // fails the referral profile: the NHS number's check digit
      {replaced(good, "9434765919", "9434765918"), 422, "Bundle.entry["},
  };
  for (const auto& c : cases) {
    const auto r = a.request("POST", "/fhir/", c.body);
    EXPECT_EQ(r.status, c.status) << c.expression << ": " << r.body;
    EXPECT_EQ(str(parse(r.body), "resourceType"), "OperationOutcome");
    EXPECT_NE(r.body.find(c.expression), std::string::npos) << r.body;
  }
  // Another organisation's referral is refused before anything is stored.
  auto b = client("practice-b");
  const auto refused = b.request("POST", "/fhir", good);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("Bundle.entry[0].resource.requester"), std::string::npos) << refused.body;

  // Nothing was stored: the referral number is unclaimed and this NHS number has no Patient yet.
  const auto r = a.request("POST", "/fhir", good);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = parse(r.body);
  EXPECT_EQ(str(answer["entry"][0]["response"], "status"), "201 Created");
  EXPECT_EQ(str(answer["entry"][1]["response"], "status"), "201 Created") << "the Patient is new";
}

TEST_F(transaction_test, a_repeated_referral_answers_200_with_the_stored_referral_and_creates_nothing) {
  auto a = client("practice-a");
  const auto first = a.request("POST", "/fhir", transaction("REF-TX-3"));
  ASSERT_EQ(first.status, 200) << first.body;
  const auto created = parse(first.body);
  const std::string location = str(created["entry"][0]["response"], "location");

  const auto again = a.request("POST", "/fhir", transaction("REF-TX-3"));
  ASSERT_EQ(again.status, 200) << again.body;
  const auto repeat = parse(again.body);
  EXPECT_EQ(str(repeat, "type"), "transaction-response");
  ASSERT_EQ(repeat["entry"].Size(), 9u);
  EXPECT_EQ(str(repeat["entry"][0]["response"], "status"), "200 OK");
  EXPECT_EQ(str(repeat["entry"][0]["response"], "location"), location);
  for (rapidjson::SizeType i = 1; i < 9; ++i) {
    EXPECT_EQ(str(repeat["entry"][i]["response"], "status"), "200 OK");
    EXPECT_TRUE(str(repeat["entry"][i]["response"], "location").empty()) << "nothing new was created";
  }
  // The same referral number sent as a plain create is the same referral.
  const auto plain = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-TX-3"));
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ("ServiceRequest/" + str(parse(plain.body), "id"), without_history(location));
}

TEST_F(transaction_test, a_known_patient_is_not_stored_again) {
  auto a = client("practice-a");
  const auto first = parse(a.request("POST", "/fhir", transaction("REF-TX-4")).body);
  const std::string patient = without_history(str(first["entry"][1]["response"], "location"));
  ASSERT_FALSE(patient.empty());
  const auto second = a.request("POST", "/fhir", transaction("REF-TX-5"));
  ASSERT_EQ(second.status, 200) << second.body;
  const auto answer = parse(second.body);
  EXPECT_EQ(str(answer["entry"][0]["response"], "status"), "201 Created");
  EXPECT_EQ(str(answer["entry"][1]["response"], "status"), "200 OK");
  EXPECT_EQ(str(answer["entry"][1]["response"], "location"), patient);
  EXPECT_EQ(reference(answer["entry"][0]["resource"]["subject"]), patient);
  EXPECT_EQ(reference(answer["entry"][5]["resource"]["subject"]), patient) << "the Condition names the stored Patient";
}

TEST_F(transaction_test, a_batch_answers_each_entry_on_its_own) {
  auto a = client("practice-a");
  const auto existing = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-B-0"));
  ASSERT_EQ(existing.status, 201);
  const std::string existing_id = str(parse(existing.body), "id");
  const std::string bad = replaced(referral_fixture("REF-B-2"), R"("status": "active")", R"("status": "bogus")");
  const std::string batch = R"({"resourceType":"Bundle","type":"batch","entry":[)"
                            R"({"resource":)" +
                            referral_fixture("REF-B-1") +
                            R"(,"request":{"method":"POST","url":"ServiceRequest"}},)"
                            R"({"resource":)" +
                            bad +
                            R"(,"request":{"method":"POST","url":"ServiceRequest"}},)"
                            R"({"request":{"method":"GET","url":"ServiceRequest/)" +
                            existing_id +
                            R"("}},)"
                            R"({"request":{"method":"GET","url":"ServiceRequest/no-such-referral"}},)"
                            R"({"request":{"method":"DELETE","url":"ServiceRequest/)" +
                            existing_id +
                            R"("}},)"
                            R"({"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}})"
                            R"(]})";
  const auto r = a.request("POST", "/fhir", batch);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = parse(r.body);
  EXPECT_EQ(str(answer, "type"), "batch-response");
  const auto& entries = answer["entry"];
  ASSERT_EQ(entries.Size(), 6u) << r.body;
  const auto status = [&](rapidjson::SizeType i) { return str(entries[i]["response"], "status"); };
  EXPECT_EQ(status(0), "201 Created");
  EXPECT_EQ(status(1), "400 Bad Request");
  EXPECT_EQ(str(entries[1]["response"]["outcome"], "resourceType"), "OperationOutcome");
  EXPECT_NE(r.body.find("ServiceRequest.status"), std::string::npos) << "the bad entry's outcome names the element";
  EXPECT_EQ(status(2), "200 OK");
  EXPECT_EQ(str(entries[2]["resource"], "id"), existing_id);
  EXPECT_EQ(status(3), "404 Not Found");
  EXPECT_EQ(status(4), "405 Method Not Allowed");
  EXPECT_EQ(status(5), "405 Method Not Allowed");

  // The good entry is stored; the batch's other failures did not undo it.
  const std::string location = str(entries[0]["response"], "location");
  ASSERT_EQ(location.rfind("ServiceRequest/", 0), 0u) << location;
  EXPECT_EQ(a.request("GET", "/fhir/" + without_history(location)).status, 200);
  // Each entry is the request sent alone: a repeat inside a batch is a 200, not a new referral.
  const auto repeat = a.request("POST", "/fhir", batch);
  EXPECT_EQ(str(parse(repeat.body)["entry"][0]["response"], "status"), "200 OK");
}

// Issue 9: a referrer may refer only to its own organisation's resources, the platform's public
// ones, or resources in the same request. Practice B naming practice A's referral (basedOn,
// subject, supportingInfo) in a single create, a transaction and a batch is refused exactly as a
// reference to an id that does not exist: same status, same outcome apart from the reference.
TEST_F(transaction_test, a_reference_to_another_practices_resource_is_refused_exactly_like_a_missing_one) {
  auto a = client("practice-a");
  auto b = client("practice-b");
  const auto theirs = parse(a.request("POST", "/fhir", transaction("REF-OWN-A")).body);
  const std::string their_sr = without_history(str(theirs["entry"][0]["response"], "location"));
  const std::string their_patient = without_history(str(theirs["entry"][1]["response"], "location"));
  const std::string their_obs = without_history(str(theirs["entry"][6]["response"], "location"));
  ASSERT_FALSE(their_sr.empty());
  const std::string missing_sr = "ServiceRequest/00000000-0000-4000-8000-00000000dead";
  const std::string missing_patient = "Patient/00000000-0000-4000-8000-00000000dead";
  const std::string missing_obs = "Observation/00000000-0000-4000-8000-00000000dead";
  const std::string b_tx = replaced(transaction("REF-OWN-B"), "A81001", "B82002");
  const std::string b_single = replaced(referral_fixture("REF-OWN-B1"), "A81001", "B82002");
  const std::size_t events_before = a.request("GET", "/fhir/ServiceRequest").body.size();

  // Observation.basedOn in a transaction entry (the reviewer's finding).
  auto tx_based_on = [&](const std::string& ref) {
    return replaced(b_tx, R"("valueInteger": 14)",
                    R"("valueInteger": 27, "basedOn": [ { "reference": ")" + ref + R"(" } ])");
  };
  // ServiceRequest.supportingInfo and .subject in a single create.
  auto single_supporting = [&](const std::string& ref) {
    return replaced(b_single, R"("supportingInfo": [)", R"("supportingInfo": [ { "reference": ")" + ref + R"(" },)");
  };
  auto single_subject = [&](const std::string& ref) {
    return replaced(b_single, R"("status": "active",)",
                    R"("status": "active", "basedOn": [ { "reference": ")" + ref + R"(" } ],)");
  };
  auto batch_of = [](const std::string& resource) {
    return R"({"resourceType":"Bundle","type":"batch","entry":[{"resource":)" + resource +
           R"(,"request":{"method":"POST","url":"ServiceRequest"}}]})";
  };
  struct attempt {
    const char* what;
    std::string foreign, absent, target, foreign_ref, absent_ref;
  };
  const attempt attempts[] = {
      {"transaction basedOn", tx_based_on(their_sr), tx_based_on(missing_sr), "/fhir", their_sr, missing_sr},
      {"create supportingInfo", single_supporting(their_obs), single_supporting(missing_obs), "/fhir/ServiceRequest",
       their_obs, missing_obs},
      {"create basedOn", single_subject(their_sr), single_subject(missing_sr), "/fhir/ServiceRequest", their_sr,
       missing_sr},
      {"batch entry", batch_of(single_supporting(their_patient)), batch_of(single_supporting(missing_patient)), "/fhir",
       their_patient, missing_patient},
  };
  for (const auto& t : attempts) {
    const auto foreign = b.request("POST", t.target, t.foreign);
    const auto absent = b.request("POST", t.target, t.absent);
    const bool batch = std::string(t.what) == "batch entry";
    EXPECT_EQ(foreign.status, batch ? 200 : 422) << t.what << ": " << foreign.body;
    EXPECT_EQ(foreign.status, absent.status) << t.what;
    if (batch) {
      EXPECT_NE(foreign.body.find("422"), std::string::npos) << foreign.body;
    }
    EXPECT_EQ(replaced(foreign.body, t.foreign_ref, "REF"), replaced(absent.body, t.absent_ref, "REF")) << t.what;
  }
  // Nothing of B's was stored, and A's referral shows nothing new.
  EXPECT_EQ(b.request("GET", "/fhir/ServiceRequest").body.find("REF-OWN-B"), std::string::npos);
  EXPECT_EQ(a.request("GET", "/fhir/ServiceRequest").body.size(), events_before);
  const auto a_obs = a.request("GET", "/fhir/Observation?based-on=" + their_sr);
  EXPECT_EQ(a_obs.body.find("\"valueInteger\":27"), std::string::npos) << a_obs.body;
}

// Issue 9 item 5: one Patient per referring organisation. Practice B's transaction for a person
// practice A already referred creates B's own Patient (201, B's demographics), so the answer
// says nothing about who else refers them.
TEST_F(transaction_test, each_practice_gets_its_own_patient_and_learns_nothing_of_another_practices) {
  auto a = client("practice-a");
  auto b = client("practice-b");
  const auto first = parse(a.request("POST", "/fhir", transaction("REF-PAT-A")).body);
  const std::string a_patient = without_history(str(first["entry"][1]["response"], "location"));
  std::string b_tx = replaced(transaction("REF-PAT-B"), "A81001", "B82002");
  const auto second = b.request("POST", "/fhir", b_tx);
  ASSERT_EQ(second.status, 200) << second.body;
  const auto answer = parse(second.body);
  EXPECT_EQ(str(answer["entry"][1]["response"], "status"), "201 Created");
  const std::string b_patient = without_history(str(answer["entry"][1]["response"], "location"));
  EXPECT_NE(b_patient, a_patient);
  EXPECT_EQ(b.request("GET", "/fhir/" + b_patient).status, 200);
  EXPECT_EQ(b.request("GET", "/fhir/" + a_patient).status, 404) << "A's Patient is not B's to read";
  // The platform reads both (each carries the NHS number).
  auto platform = client("platform");
  EXPECT_EQ(platform.request("GET", "/fhir/" + a_patient).status, 200);
  EXPECT_EQ(platform.request("GET", "/fhir/" + b_patient).status, 200);
}

TEST_F(transaction_test, other_bundle_types_and_other_resources_are_refused) {
  auto a = client("practice-a");
  auto r = a.request("POST", "/fhir", R"({"resourceType":"Bundle","type":"collection","entry":[]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Bundle.type"), std::string::npos) << r.body;
  r = a.request("POST", "/fhir/", referral_fixture("REF-X"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Bundle"), std::string::npos) << r.body;
  EXPECT_EQ(a.request("GET", "/fhir/").status, 405);
}

TEST_F(transaction_test, metadata_lists_transaction_and_batch) {
  auto a = client("practice-a");
  const auto r = a.request("GET", "/fhir/metadata");
  ASSERT_EQ(r.status, 200);
  const auto doc = parse(r.body);
  std::vector<std::string> codes;
  for (const auto& i : doc["rest"][0]["interaction"].GetArray()) codes.push_back(str(i, "code"));
  EXPECT_NE(std::find(codes.begin(), codes.end(), "transaction"), codes.end()) << r.body;
  EXPECT_NE(std::find(codes.begin(), codes.end(), "batch"), codes.end()) << r.body;
}

}  // namespace
}  // namespace rg::testing
