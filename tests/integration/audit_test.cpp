// Issue 10 item 3: accesses are audited before they are answered, each access kind with exactly one
// AuditEvent (found by the X-Request-ID the test sends) with its outcome and caller, and a flooded
// audit path answers 503 + Retry-After rather than serving without a record.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <atomic>
#include <thread>

#include "tests/support/audit_reader.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

class audit_test : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& sets = {}) {
    gateway_ = std::make_unique<child_process>(gateway_args(shared_certs_dir(), dir_, sets));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  https_client client(const std::string& who) {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt", dev_identity(shared_certs_dir(), who));
  }
  std::string create(const std::string& number) {
    auto a = client("practice-a");
    const auto r = a.request("POST", "/fhir/ServiceRequest", referral_fixture(number));
    EXPECT_EQ(r.status, 201) << r.body;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    return d.IsObject() && d.HasMember("id") ? d["id"].GetString() : "";
  }
  // Every AuditEvent about `entity` (all pages), as the platform.
  std::vector<std::string> audit_events(const std::string& entity) {
    auto p = client("platform");
    std::vector<std::string> events;
    std::string target = "/fhir/AuditEvent?entity=" + entity + "&_count=100";
    while (!target.empty()) {
      const auto page = p.request("GET", target);
      EXPECT_EQ(page.status, 200) << page.body;
      rapidjson::Document d;
      d.Parse(page.body.c_str());
      target.clear();
      if (page.status != 200 || !d.IsObject()) break;
      if (d.HasMember("entry")) {
        for (const auto& e : d["entry"].GetArray()) {
          const auto& r = e["resource"];
          events.push_back(std::string(r["action"].GetString()) + r["outcome"].GetString());
        }
      }
      if (d.HasMember("link")) {
        for (const auto& l : d["link"].GetArray()) {
          if (std::string(l["relation"].GetString()) == "next") {
            const std::string url = l["url"].GetString();
            target = url.substr(url.find("/fhir/"));
          }
        }
      }
    }
    return events;
  }
  static long count(const std::vector<std::string>& events, const std::string& kind) {
    return std::count(events.begin(), events.end(), kind);
  }
  // Sends as `who` with X-Request-ID `id`; the status.
  int send(const std::string& who, const std::string& id, const std::string& method, const std::string& target,
           const std::string& body = {}, std::map<std::string, std::string> headers = {}) {
    headers["X-Request-ID"] = id;
    return client(who).request(method, target, body, headers).status;
  }
  // The AuditEvents of the request sent with X-Request-ID `id`.
  std::vector<audit_row> records_of(const std::string& id) {
    auto p = client("platform");
    return rows_of_request(audit_rows(p), id);
  }
  // Exactly one record for request `id`, with this action, outcome, caller role and entity prefix.
  void expect_one(const std::string& id, const std::string& action, const std::string& outcome, const std::string& role,
                  const std::string& entity_prefix = {}) {
    const auto rows = records_of(id);
    ASSERT_EQ(rows.size(), 1u) << id;
    EXPECT_EQ(rows[0].action, action) << id;
    EXPECT_EQ(rows[0].outcome, outcome) << id;
    EXPECT_EQ(rows[0].agent_role, role) << id;
    EXPECT_EQ(rows[0].entity.substr(0, entity_prefix.size()), entity_prefix) << id << " " << rows[0].entity;
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(audit_test, each_read_and_each_refusal_leaves_exactly_one_audit_event) {
  start();
  const std::string id = create("REF-AUD-1");
  const std::string entity = "ServiceRequest/" + id;
  auto a = client("practice-a");
  auto b = client("practice-b");
  ASSERT_EQ(a.request("GET", "/fhir/" + entity).status, 200);
  ASSERT_EQ(a.request("GET", "/fhir/" + entity).status, 200);
  ASSERT_EQ(b.request("GET", "/fhir/" + entity).status, 404);  // another practice's: refused, audited
  ASSERT_EQ(a.request("GET", "/fhir/" + entity + "/_history").status, 200);
  const auto events = audit_events(entity);
  EXPECT_EQ(count(events, "C0"), 1) << "the create, in its own unit";
  EXPECT_EQ(count(events, "R0"), 3) << "two reads and a history";
  EXPECT_EQ(count(events, "R4"), 1) << "the refused read";
  EXPECT_EQ(events.size(), 5u);
}

TEST_F(audit_test, writes_refused_for_their_content_leave_exactly_one_refusal_record) {
  start();
  ASSERT_EQ(send("practice-a", "w-400", "POST", "/fhir/ServiceRequest", "{\"resourceType\":"), 400);
  expect_one("w-400", "C", "4", "referrer");
  ASSERT_EQ(send("practice-a", "w-422", "POST", "/fhir/ServiceRequest",
                 replaced(referral_fixture("REF-AUD-422"), "9434765919", "9434765918")),
            422);
  expect_one("w-422", "C", "4", "referrer");
  ASSERT_EQ(send("practice-b", "w-403", "POST", "/fhir/ServiceRequest", referral_fixture("REF-AUD-403")), 403);
  expect_one("w-403", "C", "4", "referrer");
  const std::string id = create("REF-AUD-412");
  const auto stored = client("practice-a").request("GET", "/fhir/ServiceRequest/" + id);
  ASSERT_EQ(send("practice-a", "w-412", "PUT", "/fhir/ServiceRequest/" + id, stored.body, {{"If-Match", "W/\"7\""}}),
            412);
  expect_one("w-412", "U", "4", "referrer", "ServiceRequest/" + id);
}

TEST_F(audit_test, a_repeated_referral_answered_200_leaves_exactly_one_read_record) {
  start();
  const std::string id = create("REF-AUD-REPEAT");
  ASSERT_EQ(send("practice-a", "repeat-1", "POST", "/fhir/ServiceRequest", referral_fixture("REF-AUD-REPEAT")), 200);
  expect_one("repeat-1", "R", "0", "referrer", "ServiceRequest/" + id);
  ASSERT_EQ(send("practice-a", "repeat-2", "POST", "/fhir/ServiceRequest", referral_fixture("REF-AUD-REPEAT"),
                 {{"If-None-Exist", "identifier=https://fhir.a81001.example.org/referral|REF-AUD-REPEAT"}}),
            200);
  expect_one("repeat-2", "R", "0", "referrer", "ServiceRequest/" + id);
}

TEST_F(audit_test, validate_and_metadata_each_leave_exactly_one_record) {
  start();
  ASSERT_EQ(send("practice-a", "validate-1", "POST", "/fhir/ServiceRequest/$validate", referral_fixture("REF-V")), 200);
  expect_one("validate-1", "E", "0", "referrer");
  ASSERT_EQ(send("practice-a", "metadata-1", "GET", "/fhir/metadata"), 200);
  expect_one("metadata-1", "R", "0", "referrer");
}

TEST_F(audit_test, each_batch_entry_leaves_exactly_one_record_and_the_batch_none_besides) {
  start();
  const std::string id = create("REF-AUD-BATCH");
  const std::string batch = R"({"resourceType": "Bundle", "type": "batch", "entry": [
      {"request": {"method": "GET", "url": "ServiceRequest/)" +
                            id + R"("}},
      {"request": {"method": "GET", "url": "ServiceRequest/no-such-referral"}},
      {"request": {"method": "DELETE", "url": "ServiceRequest/)" +
                            id + R"("}},
      {"request": {"method": "POST", "url": "ServiceRequest"}, "resource": {"resourceType": "ServiceRequest"}}]})";
  ASSERT_EQ(send("practice-a", "batch-1", "POST", "/fhir", batch), 200);
  const auto rows = records_of("batch-1");
  ASSERT_EQ(rows.size(), 4u) << "one per entry, none for the batch itself";
  std::vector<std::string> seen;
  for (const auto& r : rows) seen.push_back(r.action + r.outcome + " " + r.entity);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen,
            (std::vector<std::string>{"C4 ", "E4 ", "R0 ServiceRequest/" + id, "R4 ServiceRequest/no-such-referral"}));
}

TEST_F(audit_test, a_transaction_leaves_one_create_record_per_entry_written_in_its_unit) {
  start();
  const std::string bundle =
      replaced(read_text(source_dir() + "/tests/data/api/transaction-referral.json"), "REF-TX-0001", "REF-AUD-TX");
  auto a = client("practice-a");
  const auto r = a.request("POST", "/fhir", bundle, {{"X-Request-ID", "tx-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  std::vector<std::string> created;
  for (const auto& e : d["entry"].GetArray()) {
    if (std::string(e["response"]["status"].GetString()).starts_with("201")) {
      created.push_back(e["response"]["location"].GetString());
    }
  }
  ASSERT_GE(created.size(), 3u);
  const auto rows = records_of("tx-1");
  std::vector<std::string> audited;
  for (const auto& row : rows) {
    EXPECT_EQ(row.action + row.outcome, "C0");
    audited.push_back(row.entity);
  }
  for (auto& c : created) c = c.substr(0, c.find("/_history"));
  std::sort(created.begin(), created.end());
  std::sort(audited.begin(), audited.end());
  EXPECT_EQ(audited, created);
  // Sent again: the stored referral is answered, one read record.
  ASSERT_EQ(a.request("POST", "/fhir", bundle, {{"X-Request-ID", "tx-2"}}).status, 200);
  expect_one("tx-2", "R", "0", "referrer", "ServiceRequest/");
}

TEST_F(audit_test, a_flooded_audit_path_answers_503_with_retry_after_and_serves_nothing_unrecorded) {
  // storage.max_queue 2: at most one access audit waits for the store at a time.
  start({"storage.max_queue=2"});
  const std::string id = create("REF-AUD-FLOOD");
  const std::string entity = "ServiceRequest/" + id;
  constexpr int threads = 8, reads = 25;
  std::atomic<int> served{0}, refused{0}, other{0}, without_retry_after{0}, ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto c = client("practice-a");
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();  // start together
      for (int i = 0; i < reads; ++i) {
        const auto r = c.request("GET", "/fhir/" + entity);
        if (r.status == 200) {
          served.fetch_add(1);
        } else if (r.status == 503 || r.status == 429) {  // the audit path or the store queue full
          refused.fetch_add(1);
          if (r.header("retry-after").empty()) without_retry_after.fetch_add(1);
        } else {
          other.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(served + refused + other, threads * reads);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(refused.load(), 0) << "the flood never filled the audit path";
  EXPECT_EQ(without_retry_after.load(), 0);
  // Every read that was served has its record; none of the refused ones disclosed anything.
  const auto events = audit_events(entity);
  EXPECT_EQ(count(events, "R0"), served.load());
}

}  // namespace
}  // namespace rg::testing
