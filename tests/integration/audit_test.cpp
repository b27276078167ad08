// Issue 10 item 3: accesses are audited before they are answered, and a flooded audit path answers
// 503 + Retry-After rather than serving without a record.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <atomic>
#include <thread>

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
