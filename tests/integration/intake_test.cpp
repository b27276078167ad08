// POST /fhir/ServiceRequest and reads through the real binary over mutual TLS: create, repeat
// creates (sequential and concurrent), If-None-Exist, validation answers, the access matrix.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <signal.h>

#include <atomic>
#include <fstream>
#include <latch>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/gateway_test.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string json_string(const std::string& body, const char* member) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (!doc.IsObject() || !doc.HasMember(member) || !doc[member].IsString()) return {};
  return doc[member].GetString();
}

class intake_test : public gateway_test {};

TEST_F(intake_test, create_answers_201_with_location_etag_and_the_stored_referral) {
  auto a = client("practice-a");
  const auto r = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-1"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("etag"), "W/\"1\"");
  EXPECT_FALSE(r.header("last-modified").empty());
  const std::string id = json_string(r.body, "id");
  ASSERT_FALSE(id.empty());
  EXPECT_NE(r.header("location").find("/fhir/ServiceRequest/" + id + "/_history/1"), std::string::npos);
  EXPECT_NE(r.body.find("\"subject\":{\"reference\":\"Patient/"), std::string::npos)
      << "subject points at the stored Patient";
  const auto read = a.request("GET", "/fhir/ServiceRequest/" + id);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, r.body);
}

TEST_F(intake_test, prefer_minimal_and_operation_outcome_shape_the_body) {
  auto a = client("practice-a");
  auto r = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-P1"), {{"Prefer", "return=minimal"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(r.header("location").empty());
  r = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-P2"), {{"Prefer", "return=OperationOutcome"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_NE(r.body.find("OperationOutcome"), std::string::npos);
}

TEST_F(intake_test, a_repeated_referral_identifier_returns_the_stored_referral_with_200) {
  auto a = client("practice-a");
  const auto first = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-2"));
  ASSERT_EQ(first.status, 201);
  const auto again = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-2"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json_string(again.body, "id"), json_string(first.body, "id"));
}

TEST_F(intake_test, fifty_concurrent_identical_creates_make_one_referral) {
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<std::string> ids;
  std::atomic<int> created{0}, repeated{0}, other{0};
  // Every client connects (TLS handshake) first; then all send at once.
  std::latch start_together(50);
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      auto c = client("practice-a");
      const std::string body = referral_fixture("REF-CONCURRENT");
      start_together.arrive_and_wait();
      const auto r = c.request("POST", "/fhir/ServiceRequest", body);
      if (r.status == 201)
        ++created;
      else if (r.status == 200)
        ++repeated;
      else
        ++other;
      std::lock_guard lock(mutex);
      ids.insert(json_string(r.body, "id"));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(repeated.load(), 49);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(ids.size(), 1u);
}

TEST_F(intake_test, if_none_exist_returns_the_existing_referral) {
  auto a = client("practice-a");
  const auto first = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-3"));
  ASSERT_EQ(first.status, 201);
  // A different body, but the condition names the stored identifier: nothing new is created.
  const auto conditional = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-4"),
                                     {{"If-None-Exist", "identifier=https://fhir.a81001.example.org/referral|REF-3"}});
  EXPECT_EQ(conditional.status, 200);
  EXPECT_EQ(json_string(conditional.body, "id"), json_string(first.body, "id"));
  const auto unsupported =
      a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-5"), {{"If-None-Exist", "status=active"}});
  EXPECT_EQ(unsupported.status, 400);
}

TEST_F(intake_test, one_patient_is_kept_per_nhs_number) {
  auto a = client("practice-a");
  const auto one = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-6"));
  const auto two = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-7"));
  ASSERT_EQ(one.status, 201);
  ASSERT_EQ(two.status, 201);
  const auto subject = [](const std::string& body) {
    const auto at = body.find("\"subject\":{\"reference\":\"");
    return body.substr(at, body.find('}', at) - at);
  };
  EXPECT_EQ(subject(one.body), subject(two.body));
}

TEST_F(intake_test, structural_errors_are_400_and_profile_failures_422_naming_the_element) {
  auto a = client("practice-a");
  auto r = a.request("POST", "/fhir/ServiceRequest",
                     replace_once(referral_fixture("REF-8"), "\"status\": \"active\"", "\"status\": \"bogus\""));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("ServiceRequest.status"), std::string::npos) << r.body;
  r = a.request("POST", "/fhir/ServiceRequest", replace_once(referral_fixture("REF-9"), "9434765919", "9434765918"));
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("ServiceRequest.contained[0].identifier[0].value"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("NHS number"), std::string::npos);
  r = a.request("POST", "/fhir/ServiceRequest", "{\"resourceType\":");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("OperationOutcome"), std::string::npos);
  r = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-10"), {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415);
}

TEST_F(intake_test, a_referrer_may_not_refer_for_another_organisation) {
  auto b = client("practice-b");
  const auto r = b.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-11"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("ServiceRequest.requester"), std::string::npos);
}

TEST_F(intake_test, another_organisations_referral_reads_as_404_like_a_missing_one) {
  auto a = client("practice-a");
  const auto created = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-12"));
  ASSERT_EQ(created.status, 201);
  const std::string id = json_string(created.body, "id");
  auto b = client("practice-b");
  EXPECT_EQ(b.request("GET", "/fhir/ServiceRequest/" + id).status, 404);
  EXPECT_EQ(b.request("GET", "/fhir/ServiceRequest/no-such-id").status, 404);
  EXPECT_EQ(b.request("GET", "/fhir/ServiceRequest/" + id + "/_history/1").status, 404);
  auto platform = client("platform");
  EXPECT_EQ(platform.request("GET", "/fhir/ServiceRequest/" + id).status, 200);
}

TEST_F(intake_test, vread_and_history_of_a_referral) {
  auto a = client("practice-a");
  const auto created = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-13"));
  const std::string id = json_string(created.body, "id");
  const auto v1 = a.request("GET", "/fhir/ServiceRequest/" + id + "/_history/1");
  EXPECT_EQ(v1.status, 200);
  EXPECT_EQ(v1.header("etag"), "W/\"1\"");
  EXPECT_EQ(a.request("GET", "/fhir/ServiceRequest/" + id + "/_history/2").status, 404);
  const auto history = a.request("GET", "/fhir/ServiceRequest/" + id + "/_history");
  EXPECT_EQ(history.status, 200);
  EXPECT_NE(history.body.find("\"type\":\"history\""), std::string::npos);
}

TEST(intake_access, a_certificate_of_our_ca_that_no_caller_maps_is_refused_with_403) {
  temp_dir dir;
  // Only the platform is configured: practice-a's certificate chains to the CA (the handshake
  // passes) but maps to no caller.
  child_process gateway(gateway_args(
      shared_certs_dir(), dir,
      {R"x(callers=[{"name":"platform","subject":"CN=platform,OU=PLT01,O=Referral Gateway (development)",)x"
       R"x("issuer":"CN=Referral Gateway Development CA,O=Referral Gateway (development)","role":"platform",)x"
       R"x("organization":"PLT01"}])x"}));
  ASSERT_TRUE(gateway.started()) << gateway.stderr_text();
  https_client a(gateway.port("https"), shared_certs_dir() + "/ca.crt", dev_identity(shared_certs_dir(), "practice-a"));
  const auto r = a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-15"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("not registered"), std::string::npos);
  EXPECT_EQ(a.request("GET", "/fhir/metadata").status, 200) << "capabilities stay readable";
}

}  // namespace
}  // namespace rg::testing
