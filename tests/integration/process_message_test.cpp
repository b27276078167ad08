// BaRS end to end (issue 13, "How it is checked"): the real gateway on loopback with its
// $process-message front door, and a real referrer-sim --bars as the sender's own
// $process-message, over real mutual TLS with certificates from gatewayctl certs init. The BaRS
// example referral NHS England publishes (tests/data/fhir/corpus) is the message, in a test copy
// with its NHS number made valid and its sender made practice A (A81001).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fhir/validator.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/json_answers.hpp"
#include "tests/support/referrer_sim.hpp"

namespace rg::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* published_nhs_number = "3478526985";  // fails modulus 11
constexpr const char* valid_nhs_number = "9434765919";
constexpr const char* bundle_id = "86e3371d-1c15-4862-9552-d9560f8292ba";
constexpr const char* sender_sr_uuid = "236bb75d-90ef-461f-b71e-fde7f899802c";
constexpr const char* correlation = "9562466f-c982-4bd5-bb0e-255e9f5e6689";
// base64 of {"system":"https://fhir.nhs.uk/Id/dos-service-id","value":"111111111"}: this service
// (bars.service_identifiers of the development configuration).
constexpr const char* our_target =
    "eyJzeXN0ZW0iOiJodHRwczovL2ZoaXIubmhzLnVrL0lkL2Rvcy1zZXJ2aWNlLWlkIiwidmFsdWUiOiIxMTExMTExMTEifQ==";
// ... and of {"system":"https://fhir.nhs.uk/Id/dos-service-id","value":"999999999"}: another service.
constexpr const char* other_target =
    "eyJzeXN0ZW0iOiJodHRwczovL2ZoaXIubmhzLnVrL0lkL2Rvcy1zZXJ2aWNlLWlkIiwidmFsdWUiOiI5OTk5OTk5OTkifQ==";

std::string replaced_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

std::string published_message() {
  return read_text(source_dir() +
                   "/tests/data/fhir/corpus/bars-api-v1.4.0-servicerequest-request-validation-message-bundle.json");
}

// The test copy: a valid NHS number, the sender's ODS code practice A's.
std::string referral_message() {
  return replaced_all(replaced_all(published_message(), published_nhs_number, valid_nhs_number), "\"RND\"",
                      "\"A81001\"");
}

// The same referral cancelled: reason delete, the ServiceRequest revoked, a new Bundle.id.
std::string cancellation_message(const std::string& new_bundle_id) {
  auto d = parse(referral_message());
  auto& a = d.GetAllocator();
  d["id"].SetString(new_bundle_id.c_str(), a);
  d["entry"][0]["resource"]["reason"]["coding"][0]["code"].SetString("delete", a);
  for (auto& entry : d["entry"].GetArray())
    if (std::string(entry["resource"]["resourceType"].GetString()) == "ServiceRequest")
      entry["resource"]["status"].SetString("revoked", a);
  return serialise(d);
}

std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "3f6c1d2e-8a4b-4c5d-9e7f-%012d", n);
  return buf;
}

std::map<std::string, std::string> bars_headers(const std::string& request_id, const std::string& target = our_target) {
  return {{"Content-Type", "application/fhir+json"},
          {"X-Request-ID", request_id},
          {"X-Correlation-ID", correlation},
          {"NHSD-Target-Identifier", target}};
}

std::string bars_code(const http_answer& a) {
  const auto d = parse(a.body);
  if (!d.IsObject() || !d.HasMember("issue")) return {};
  const auto& issue = d["issue"][0];
  if (!issue.HasMember("details")) return {};
  return issue["details"]["coding"][0]["code"].GetString();
}

std::string issue_code(const http_answer& a) {
  const auto d = parse(a.body);
  return d.IsObject() && d.HasMember("issue") ? d["issue"][0]["code"].GetString() : std::string();
}

class process_message_test : public ::testing::Test {
 protected:
  static const std::string& certs() { return shared_certs_dir(); }

  void SetUp() override {
    sim_ = std::make_unique<child_process>(referrer_sim_argv({"--bars", certs(), {}, dir_.str("received.jsonl"), {}}));
    ASSERT_TRUE(sim_->started()) << sim_->stderr_text();
    std::vector<std::string> sets = delivery_test_settings(certs());
    sets.insert(sets.end(), {"referrers.0.delivery=bars",
                             "referrers.0.endpoint=https://localhost:" + std::to_string(sim_->port("https")) +
                                 "/fhir/$process-message",
                             "referrers.0.bars.target_identifier=https://fhir.nhs.uk/Id/dos-service-id|2222222222"});
    gateway_ = std::make_unique<child_process>(gateway_args(certs(), dir_, sets));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }

  https_client client(const std::string& who) const {
    return https_client(gateway_->port("https"), certs() + "/ca.crt", dev_identity(certs(), who));
  }

  http_answer post(https_client& c, const std::string& body, const std::map<std::string, std::string>& headers) {
    return c.request("POST", "/fhir/$process-message", body, headers);
  }

  // The stored referrals named by the sender's ServiceRequest UUID, as practice A sees them.
  rapidjson::Document referrals(https_client& a) {
    const auto r =
        a.request("GET", std::string("/fhir/ServiceRequest?identifier=urn:ietf:rfc:3986|urn:uuid:") + sender_sr_uuid);
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r.body);
  }
  std::size_t referral_count(https_client& a) {
    const auto d = referrals(a);
    return d.HasMember("entry") ? d["entry"].Size() : 0;
  }
  std::string referral_id(https_client& a) {
    const auto d = referrals(a);
    return d.HasMember("entry") && !d["entry"].Empty() ? d["entry"][0]["resource"]["id"].GetString() : "";
  }

  // The referral's Task as the platform reads it.
  rapidjson::Document task_of(https_client& platform, const std::string& sr_id, std::string& etag) {
    const auto search = platform.request("GET", "/fhir/Task?based-on=ServiceRequest/" + sr_id);
    EXPECT_EQ(search.status, 200) << search.body;
    const auto bundle = parse(search.body);
    if (!bundle.HasMember("entry") || bundle["entry"].Empty()) return {};
    const std::string id = bundle["entry"][0]["resource"]["id"].GetString();
    const auto task = platform.request("GET", "/fhir/Task/" + id);
    etag = task.header("etag");
    return parse(task.body);
  }

  void move_task(https_client& platform, const std::string& sr_id, const char* status) {
    std::string etag;
    auto d = task_of(platform, sr_id, etag);
    ASSERT_TRUE(d.IsObject());
    const std::string id = d["id"].GetString();
    d.RemoveMember("meta");
    d["status"].SetString(status, d.GetAllocator());
    const auto r = platform.request("PUT", "/fhir/Task/" + id, serialise(d),
                                    {{"Content-Type", "application/fhir+json"}, {"If-Match", etag}});
    ASSERT_EQ(r.status, 200) << status << ": " << r.body;
  }

  std::vector<rapidjson::Document> received(std::size_t at_least) {
    std::vector<rapidjson::Document> out;
    eventually([&] {
      out.clear();
      const std::string text = read_text(dir_.str("received.jsonl"));
      std::size_t start = 0;
      for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        out.push_back(parse(text.substr(start, end - start)));
      return out.size() >= at_least;
    });
    return out;
  }

  temp_dir dir_;
  std::unique_ptr<child_process> sim_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(process_message_test, the_published_referral_creates_a_referral_its_task_and_its_event) {
  auto a = client("practice-a");
  const auto r = post(a, referral_message(), bars_headers(uuid(1)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-request-id"), uuid(1));
  EXPECT_EQ(r.header("x-correlation-id"), correlation);
  const auto answer = parse(r.body);
  EXPECT_TRUE(fhir::validate(answer).ok()) << r.body;
  const auto& header = answer["entry"][0]["resource"];
  EXPECT_STREQ(header["eventCoding"]["code"].GetString(), "servicerequest-response");
  EXPECT_STREQ(header["response"]["identifier"].GetString(), bundle_id);
  EXPECT_STREQ(header["response"]["code"].GetString(), "ok");
  EXPECT_STREQ(answer["entry"][3]["resource"]["status"].GetString(), "requested");

  const std::string id = referral_id(a);
  ASSERT_FALSE(id.empty());
  auto platform = client("platform");
  std::string etag;
  const auto task = task_of(platform, id, etag);
  ASSERT_TRUE(task.IsObject());
  EXPECT_STREQ(task["status"].GetString(), "requested");
  EXPECT_TRUE(eventually([&] {
    const std::string events = read_text(dir_.str("events.jsonl"));
    return events.find("referral.received") != std::string::npos &&
           events.find("ServiceRequest/" + id) != std::string::npos &&
           events.find(std::string("\"correlationid\":\"") + correlation + "\"") != std::string::npos;
  })) << "no triage event carrying the X-Correlation-ID";
  // The Encounter's episodeOfCare names a record of the sender's system (neither in the message
  // nor ever stored here): kept as sent, not looked up, and reported in the answer (H20).
  EXPECT_NE(r.body.find("EpisodeOfCare/d877b820-e72b-44d1-a627-195f54bfc606' names a record of the sending system"),
            std::string::npos)
      << r.body;
  // The audit trail names both ids and says whom the caller acted for.
  const auto audit = platform.request("GET", "/fhir/AuditEvent?entity=ServiceRequest/" + id);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find(correlation), std::string::npos) << audit.body;
  EXPECT_NE(audit.body.find(uuid(1)), std::string::npos) << audit.body;
}

TEST_F(process_message_test, the_published_nhs_number_is_refused_naming_it_with_the_bars_code) {
  auto a = client("practice-a");
  const std::string message = replaced_all(published_message(), "\"RND\"", "\"A81001\"");
  const auto r = post(a, message, bars_headers(uuid(2)));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(bars_code(r), "REC_UNPROCESSABLE_ENTITY");
  EXPECT_NE(r.body.find("Bundle.entry["), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("identifier"), std::string::npos) << r.body;
  EXPECT_EQ(r.header("x-correlation-id"), correlation);
  EXPECT_EQ(referral_count(a), 0u);
}

// Issue 9 inside a BaRS message (H20): only references to the sender's own records of a type the
// gateway never stores are kept unresolved. A reference to another practice's stored resource —
// from the ServiceRequest, or from a resource of the message the gateway keeps only as the
// sender's context (the Encounter) — is refused exactly as a reference to nothing, and a message
// carrying a resource of a never-stored type is refused, so that type stays never stored.
TEST_F(process_message_test, a_reference_to_another_practices_stored_resource_is_refused_like_a_missing_one) {
  auto a = client("practice-a");
  auto b = client("practice-b");
  const auto theirs =
      b.request("POST", "/fhir/ServiceRequest", replaced(referral_fixture("REF-BARS-B"), "A81001", "B82002"));
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  const auto their_sr = parse(theirs.body);
  const std::string their_referral = std::string("ServiceRequest/") + their_sr["id"].GetString();
  const std::string their_patient = their_sr["subject"]["reference"].GetString();
  const std::string missing_referral = "ServiceRequest/00000000-0000-4000-8000-00000000dead";
  const std::string missing_patient = "Patient/00000000-0000-4000-8000-00000000dead";

  auto entry_of = [](rapidjson::Document& d, const char* type) -> rapidjson::Value& {
    for (auto& entry : d["entry"].GetArray())
      if (std::string(entry["resource"]["resourceType"].GetString()) == type) return entry["resource"];
    throw std::runtime_error(std::string("no ") + type + " in the message");
  };
  auto based_on = [&](const std::string& reference) {
    auto d = parse(referral_message());
    rapidjson::Value ref(rapidjson::kObjectType);
    ref.AddMember("reference", rapidjson::Value(reference.c_str(), d.GetAllocator()), d.GetAllocator());
    entry_of(d, "ServiceRequest")["basedOn"].PushBack(ref, d.GetAllocator());
    return serialise(d);
  };
  auto encounter_subject = [&](const std::string& reference) {
    auto d = parse(referral_message());
    entry_of(d, "Encounter")["subject"]["reference"].SetString(reference.c_str(), d.GetAllocator());
    return serialise(d);
  };
  struct attempt {
    const char* what;
    std::string foreign, absent, foreign_ref, absent_ref, expression;
  };
  const attempt attempts[] = {
      {"ServiceRequest.basedOn", based_on(their_referral), based_on(missing_referral), their_referral, missing_referral,
       "Bundle.entry[1].resource.basedOn[1].reference"},
      {"Encounter.subject", encounter_subject(their_patient), encounter_subject(missing_patient), their_patient,
       missing_patient, "Bundle.entry[3].resource.subject.reference"},
  };
  int n = 20;
  for (const auto& t : attempts) {
    const auto foreign = post(a, t.foreign, bars_headers(uuid(++n)));
    const auto absent = post(a, t.absent, bars_headers(uuid(++n)));
    EXPECT_EQ(foreign.status, 422) << t.what << ": " << foreign.body;
    EXPECT_EQ(absent.status, foreign.status) << t.what;
    EXPECT_EQ(bars_code(foreign), "REC_UNPROCESSABLE_ENTITY") << t.what;
    EXPECT_NE(foreign.body.find(t.expression), std::string::npos) << t.what << ": " << foreign.body;
    EXPECT_EQ(replaced_all(foreign.body, t.foreign_ref, "X"), replaced_all(absent.body, t.absent_ref, "X")) << t.what;
  }

  // EpisodeOfCare sent as a resource of the message, not named: refused, nothing stored.
  auto d = parse(referral_message());
  rapidjson::Value entry(rapidjson::kObjectType);
  auto& al = d.GetAllocator();
  entry.AddMember("fullUrl", "urn:uuid:d877b820-e72b-44d1-a627-195f54bfc606", al);
  rapidjson::Value episode(rapidjson::kObjectType);
  episode.AddMember("resourceType", "EpisodeOfCare", al);
  episode.AddMember("status", "active", al);
  rapidjson::Value patient(rapidjson::kObjectType);
  patient.AddMember("reference", "urn:uuid:9589fb37-87a2-48d8-968f-b371429208a8", al);
  episode.AddMember("patient", patient, al);
  entry.AddMember("resource", episode, al);
  d["entry"].PushBack(entry, al);
  const std::size_t last = d["entry"].Size() - 1;
  const auto carried = post(a, serialise(d), bars_headers(uuid(++n)));
  EXPECT_EQ(carried.status, 422) << carried.body;
  EXPECT_EQ(bars_code(carried), "REC_UNPROCESSABLE_ENTITY");
  EXPECT_NE(carried.body.find("Bundle.entry[" + std::to_string(last) + "].resource.resourceType"), std::string::npos)
      << carried.body;
  EXPECT_EQ(referral_count(a), 0u) << "nothing of A's was stored";
}

TEST_F(process_message_test, missing_ids_bad_base64_and_another_service_are_refused_and_nothing_is_stored) {
  auto a = client("practice-a");
  auto no_ids = bars_headers(uuid(3));
  no_ids.erase("X-Correlation-ID");
  const auto missing = post(a, referral_message(), no_ids);
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(bars_code(missing), "REC_BAD_REQUEST");
  EXPECT_NE(missing.body.find("X-Correlation-ID"), std::string::npos) << missing.body;

  const auto bad_base64 = post(a, referral_message(), bars_headers(uuid(4), "not*base64"));
  EXPECT_EQ(bad_base64.status, 400) << bad_base64.body;
  EXPECT_EQ(bars_code(bad_base64), "REC_BAD_REQUEST");

  const auto elsewhere = post(a, referral_message(), bars_headers(uuid(5), other_target));
  EXPECT_EQ(elsewhere.status, 404) << elsewhere.body;
  EXPECT_EQ(bars_code(elsewhere), "REC_NOT_FOUND");

  EXPECT_EQ(referral_count(a), 0u);
}

// Refused before the $process-message handler runs (the caller's certificate, the media type, a
// body too large or too slow to arrive): the same BaRS-coded answers, with the X-Correlation-ID
// echoed, and nothing stored.
TEST_F(process_message_test, refusals_before_the_handler_carry_bars_codes_too) {
  auto a = client("practice-a");
  auto as_text = bars_headers(uuid(12));
  as_text["Content-Type"] = "text/plain";
  const auto media = post(a, referral_message(), as_text);
  EXPECT_EQ(media.status, 400) << media.body;
  EXPECT_EQ(bars_code(media), "REC_BAD_REQUEST");
  EXPECT_EQ(media.header("x-correlation-id"), correlation);

  auto op = client("operator");  // a known certificate that reaches no clinical route
  const auto forbidden = post(op, referral_message(), bars_headers(uuid(13)));
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  EXPECT_EQ(bars_code(forbidden), "REC_FORBIDDEN");
  EXPECT_EQ(forbidden.header("x-correlation-id"), correlation);
  EXPECT_EQ(referral_count(a), 0u);

  // A gateway with a small body limit and a short body deadline: the request's header is read,
  // its body is not.
  temp_dir strict_dir;
  child_process strict(gateway_args(certs(), strict_dir, {"limits.body_bytes=2048", "limits.body_timeout_ms=300"}));
  ASSERT_TRUE(strict.started()) << strict.stderr_text();
  const std::string head = std::string("POST /fhir/$process-message HTTP/1.1\r\nHost: localhost\r\n") +
                           "Content-Type: application/fhir+json\r\nX-Request-ID: " + uuid(14) +
                           "\r\nX-Correlation-ID: " + correlation + "\r\nNHSD-Target-Identifier: " + our_target +
                           "\r\n";
  https_client large(strict.port("https"), certs() + "/ca.crt", dev_identity(certs(), "practice-a"));
  ASSERT_TRUE(large.write_raw(head + "Content-Length: 100000\r\n\r\n"));
  const auto too_large = large.read_answer();
  EXPECT_EQ(too_large.status, 400) << too_large.body;  // 413 has no BaRS code: REC_BAD_REQUEST
  EXPECT_EQ(bars_code(too_large), "REC_BAD_REQUEST");
  EXPECT_EQ(too_large.header("x-correlation-id"), correlation);
  EXPECT_EQ(too_large.header("x-request-id"), uuid(14));

  https_client slow(strict.port("https"), certs() + "/ca.crt", dev_identity(certs(), "practice-a"));
  ASSERT_TRUE(slow.write_raw(head + "Content-Length: 1000\r\n\r\n{\"resourceType\""));
  const auto timed_out = slow.read_answer();  // the server's deadline ends this read
  EXPECT_EQ(timed_out.status, 408) << timed_out.body;
  EXPECT_EQ(bars_code(timed_out), "REC_TIMEOUT");
  EXPECT_EQ(timed_out.header("x-correlation-id"), correlation);
}

TEST_F(process_message_test, a_message_from_another_organisation_than_the_certificates_is_403) {
  auto b = client("practice-b");  // the message's sender is practice A
  const auto r = post(b, referral_message(), bars_headers(uuid(6)));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(bars_code(r), "REC_FORBIDDEN");
  auto a = client("practice-a");
  EXPECT_EQ(referral_count(a), 0u);
}

TEST_F(process_message_test, a_repeat_is_409_duplicate_and_changes_nothing) {
  auto a = client("practice-a");
  ASSERT_EQ(post(a, referral_message(), bars_headers(uuid(7))).status, 200);
  const auto again = post(a, referral_message(), bars_headers(uuid(7)));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(bars_code(again), "REC_CONFLICT");
  EXPECT_EQ(issue_code(again), "duplicate");
  EXPECT_EQ(referral_count(a), 1u);
  std::string etag;
  auto platform = client("platform");
  const auto search = platform.request("GET", "/fhir/Task?based-on=ServiceRequest/" + referral_id(a));
  EXPECT_EQ(parse(search.body)["entry"].Size(), 1u) << "one Task";
}

TEST_F(process_message_test, replies_reach_the_sender_in_order_with_its_correlation_id_and_the_original_bundle_id) {
  auto a = client("practice-a");
  ASSERT_EQ(post(a, referral_message(), bars_headers(uuid(8))).status, 200);
  const std::string id = referral_id(a);
  auto platform = client("platform");
  move_task(platform, id, "received");
  move_task(platform, id, "accepted");
  move_task(platform, id, "in-progress");
  const auto got = received(3);
  ASSERT_EQ(got.size(), 3u);
  std::vector<std::string> request_ids;
  const char* encounter_status[] = {"planned", "triaged", "in-progress"};
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& line = got[i];
    EXPECT_STREQ(line["x_correlation_id"].GetString(), correlation);
    request_ids.emplace_back(line["x_request_id"].GetString());
    const auto& message = line["message"];
    EXPECT_TRUE(fhir::validate(message).ok());
    const auto& header = message["entry"][0]["resource"];
    EXPECT_STREQ(header["eventCoding"]["code"].GetString(), "servicerequest-response");
    EXPECT_STREQ(header["response"]["identifier"].GetString(), bundle_id);
    EXPECT_STREQ(message["entry"][2]["resource"]["status"].GetString(), encounter_status[i]) << i;
    EXPECT_FALSE(std::string(line["target_identifier"].GetString()).empty());
  }
  EXPECT_NE(request_ids[0], uuid(8)) << "a reply has a new X-Request-ID";
  EXPECT_NE(request_ids[0], request_ids[1]);
  EXPECT_NE(request_ids[1], request_ids[2]);
}

TEST_F(process_message_test, a_cancellation_revokes_the_referral_and_cancels_its_task_once) {
  auto a = client("practice-a");
  ASSERT_EQ(post(a, referral_message(), bars_headers(uuid(9))).status, 200);
  const std::string id = referral_id(a);
  const std::string cancel_id = "5b0e6f3c-2d1a-4f8e-9c7b-6a5d4e3f2a10";
  const auto r = post(a, cancellation_message(cancel_id), bars_headers(uuid(10)));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = parse(r.body);
  EXPECT_STREQ(answer["entry"][0]["resource"]["response"]["identifier"].GetString(), cancel_id.c_str());
  EXPECT_STREQ(answer["entry"][1]["resource"]["status"].GetString(), "revoked");
  const auto sr = a.request("GET", "/fhir/ServiceRequest/" + id);
  EXPECT_NE(sr.body.find("\"status\":\"revoked\""), std::string::npos) << sr.body;
  auto platform = client("platform");
  std::string etag;
  const auto task = task_of(platform, id, etag);
  EXPECT_STREQ(task["status"].GetString(), "cancelled");
  const auto version = etag;
  // The same cancellation again: 409 duplicate, nothing changes.
  const auto again = post(a, cancellation_message(cancel_id), bars_headers(uuid(10)));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(issue_code(again), "duplicate");
  task_of(platform, id, etag);
  EXPECT_EQ(etag, version);
}

TEST_F(process_message_test, a_cancellation_of_a_referral_never_sent_is_404) {
  auto a = client("practice-a");
  const auto r = post(a, cancellation_message("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), bars_headers(uuid(11)));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(bars_code(r), "REC_NOT_FOUND");
}

}  // namespace
}  // namespace rg::testing
