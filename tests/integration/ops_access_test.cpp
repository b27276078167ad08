// Issue 10 item 1: no patient data without a certificate allowed to read it. The plain operations
// listener serves only /healthz, /readyz and /metrics, to a loopback Host; the outbox routes are on
// the mutual-TLS listener under /ops for callers of role operator or platform, and refuse
// cross-site state changes; a non-loopback ops.address stops start-up naming the key.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_test.hpp"

namespace rg::testing {
namespace {

class ops_access_test : public gateway_test {
 protected:
  // The id of the first outbox item (a triage event), read as the operator.
  std::string first_item_id() {
    std::string id;
    EXPECT_TRUE(eventually([&] {
      const auto listed = operator_request(gateway_->port("https"), shared_certs_dir(), "GET", "/outbox");
      rapidjson::Document d;
      d.Parse(listed.body.c_str());
      if (listed.status != 200 || !d.IsObject() || !d["items"].IsArray() || d["items"].Empty()) return false;
      id = d["items"][0]["id"].GetString();
      return true;
    }));
    return id;
  }
  void create_referral() {
    auto a = client("practice-a");
    ASSERT_EQ(a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-OPS-1")).status, 201);
  }
};

TEST_F(ops_access_test, the_plain_listener_serves_no_outbox_route_and_only_a_loopback_host) {
  create_referral();
  const int ops = gateway_->port("ops");
  EXPECT_EQ(http_get(ops, "/healthz").status, 200);
  EXPECT_EQ(http_get(ops, "/healthz", "localhost:" + std::to_string(ops)).status, 200);
  EXPECT_EQ(http_get(ops, "/metrics", "[::1]:" + std::to_string(ops)).status, 200);
  for (const char* target : {"/outbox", "/outbox/stats", "/ops/outbox", "/outbox/x"}) {
    const auto a = http_get(ops, target);
    EXPECT_EQ(a.status, 404) << target;
    EXPECT_EQ(a.body.find("\"payload\""), std::string::npos) << target;
  }
  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own name as Host.
  EXPECT_EQ(http_get(ops, "/metrics", "evil.example:" + std::to_string(ops)).status, 421);
  EXPECT_EQ(http_get(ops, "/healthz", "127.0.0.1.evil.example").status, 421);
  EXPECT_EQ(http_get(ops, "/healthz", "").status, 421);
}

TEST_F(ops_access_test, outbox_payloads_need_an_operator_or_platform_certificate) {
  create_referral();
  const std::string id = first_item_id();
  ASSERT_FALSE(id.empty());
  const auto as_operator = operator_request(gateway_->port("https"), shared_certs_dir(), "GET", "/outbox/" + id);
  EXPECT_EQ(as_operator.status, 200) << as_operator.body;
  EXPECT_NE(as_operator.body.find("\"payload\""), std::string::npos);

  auto platform = client("platform");
  EXPECT_EQ(platform.request("GET", "/ops/outbox/" + id).status, 200);
  auto referrer = client("practice-a");
  const auto refused = referrer.request("GET", "/ops/outbox/" + id);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body.find("\"payload\""), std::string::npos);
  https_client anonymous(gateway_->port("https"), shared_certs_dir() + "/ca.crt", tls_identity{});
  if (anonymous.connected()) {  // with TLS 1.3 the refusal of a missing certificate comes after the handshake
    const auto a = anonymous.request("GET", "/ops/outbox/" + id);
    EXPECT_TRUE(a.status == 0 || a.status == 401) << a.status;
    EXPECT_EQ(a.body.find("\"payload\""), std::string::npos);
  }
  // The operator reaches no clinical resource.
  auto op = https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt",
                         dev_identity(shared_certs_dir(), "operator"));
  EXPECT_EQ(op.request("GET", "/fhir/ServiceRequest").status, 403);
}

TEST_F(ops_access_test, cross_site_state_changes_are_refused) {
  create_referral();
  const std::string id = first_item_id();
  ASSERT_FALSE(id.empty());
  auto op = https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt",
                         dev_identity(shared_certs_dir(), "operator"));
  EXPECT_EQ(op.request("POST", "/ops/outbox/" + id + "/park", {}, {{"Sec-Fetch-Site", "cross-site"}}).status, 403);
  EXPECT_EQ(op.request("POST", "/ops/outbox/retry-dead", {}, {{"Origin", "https://evil.example"}}).status, 403);
  EXPECT_EQ(op.request("POST", "/ops/outbox/" + id + "/park", {}, {{"Sec-Fetch-Site", "same-site"}}).status, 403);
  // Not parked by any of those: still delivered or pending, never dead.
  const auto shown = op.request("GET", "/ops/outbox/" + id);
  EXPECT_EQ(shown.body.find("\"state\":\"dead\""), std::string::npos) << shown.body;
  // Same-origin (and tools that send neither header) are served.
  const auto same = op.request("POST", "/ops/outbox/retry-dead", {}, {{"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(same.status, 200) << same.body;
}

TEST(ops_address, a_non_loopback_address_stops_start_up_naming_the_key) {
  temp_dir dir;
  for (const char* address : {"0.0.0.0", "192.0.2.1", "::"}) {
    auto args = gateway_args(shared_certs_dir(), dir, {std::string("ops.address=") + address});
    const auto r = run_command(args, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 2) << address;
    EXPECT_NE(r.err.find("ops.address"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace rg::testing
