// Caller identity and revocation over real mutual TLS (issue 10 item 2): the real gateway on
// loopback with certificates and CRLs made by gatewayctl at test time. A configuration in which
// one certificate could match two callers does not start; a revoked practice certificate is
// refused at the handshake, also after a SIGHUP reload; a certificate revoked while the gateway
// runs is refused once SIGHUP reloads the CRL, on new connections and on the ones already open;
// and the gateway does not deliver to a receiver whose certificate is revoked.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/referrer_sim.hpp"

namespace rg::testing {
namespace {

// A development set of its own (revocations must not leak into other tests' certificates).
class own_certs {
 public:
  own_certs() {
    const auto r = run_command({gatewayctl_binary(), "certs", "init", "--dir", dir_.str("certs")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  std::string path() const { return dir_.str("certs"); }
  void revoke(const std::string& name) const {
    const auto r = run_command({gatewayctl_binary(), "certs", "revoke", name, "--dir", path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

 private:
  temp_dir dir_;
};

class identity_test : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    gateway_ = std::make_unique<child_process>(gateway_args(certs_.path(), dir_, extra));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  https_client client(const std::string& name) {
    return https_client(gateway_->port("https"), certs_.path() + "/ca.crt", dev_identity(certs_.path(), name));
  }
  // A request only a registered referrer may make: 200 for a known caller.
  int search_status(https_client& c) { return c.request("GET", "/fhir/ServiceRequest?_count=1").status; }
  double metric(const std::string& series) {
    return metric_value(http_get(gateway_->port("ops"), "/metrics").body, series);
  }
  // Sends SIGHUP and waits until both the listener and the HTTPS client have reloaded.
  void reload() {
    const double before = metric("gateway_tls_reloads_total{result=\"ok\"}");
    gateway_->signal(SIGHUP);
    ASSERT_TRUE(eventually([&] { return metric("gateway_tls_reloads_total{result=\"ok\"}") >= before + 2; }))
        << gateway_->stderr_text();
  }

  own_certs certs_;
  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(identity_test, a_configuration_where_two_callers_could_match_one_certificate_does_not_start) {
  // practice-b's entry given practice-a's subject: one certificate, two callers.
  const auto r = run_command(gateway_args(
      certs_.path(), dir_, {"callers.1.subject=CN=practice-a,OU=A81001,O=Referral Gateway (development)"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("callers[1]: could match the same client certificate as callers[0] (\"practice-a\")"),
            std::string::npos)
      << r.err;
}

TEST_F(identity_test, the_issuer_matches_however_rfc_4514_spells_it_but_not_in_another_order) {
  // The dev CA's name written differently is the same issuer; another name is not.
  start({"callers.0.issuer=o=Referral Gateway (development),cn=Referral Gateway Development CA"});
  auto as_written_differently = client("practice-a");
  EXPECT_EQ(search_status(as_written_differently), 403) << "RDN order is part of the name";
  gateway_.reset();
  start({"callers.0.issuer=CN = Referral Gateway Development CA, O = Referral Gateway (development)"});
  auto same_name = client("practice-a");
  EXPECT_EQ(search_status(same_name), 200);
}

TEST_F(identity_test, a_revoked_practice_certificate_is_refused_at_the_handshake_before_and_after_a_reload) {
  certs_.revoke("practice-a");
  start();
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "as started" : "after SIGHUP");
    const double failures = metric("gateway_tls_handshake_failures_total");
    auto revoked = client("practice-a");
    EXPECT_EQ(search_status(revoked), 0) << "no answer: the handshake was refused";
    EXPECT_TRUE(eventually([&] { return metric("gateway_tls_handshake_failures_total") > failures; }));
    auto other = client("practice-b");
    EXPECT_EQ(search_status(other), 200);
    if (round == 0) reload();
  }
}

TEST_F(identity_test, a_certificate_revoked_while_running_is_refused_once_sighup_reloads_the_crl) {
  start();
  auto open_a = client("practice-a");
  auto open_b = client("practice-b");
  ASSERT_EQ(search_status(open_a), 200);
  ASSERT_EQ(search_status(open_b), 200);

  certs_.revoke("practice-a");
  auto before_reload = client("practice-a");
  EXPECT_EQ(search_status(before_reload), 200) << "the running gateway still has the old CRL";
  reload();

  auto after_reload = client("practice-a");
  EXPECT_EQ(search_status(after_reload), 0) << "refused at the handshake";
  // The connections opened before stay open; the revoked certificate no longer counts on them.
  EXPECT_EQ(search_status(open_a), 401);
  EXPECT_EQ(search_status(before_reload), 401);
  EXPECT_EQ(search_status(open_b), 200);
  auto new_b = client("practice-b");
  EXPECT_EQ(search_status(new_b), 200);
}

TEST_F(identity_test, the_gateway_does_not_deliver_to_a_receiver_whose_certificate_is_revoked) {
  // The events webhook points at referrer-sim, which presents server.crt: revoked.
  certs_.revoke("server");
  child_process sim(referrer_sim_argv({"", certs_.path(), {}, dir_.str("received.jsonl"), {"--port", "0"}}));
  ASSERT_TRUE(sim.started()) << sim.stderr_text();
  std::vector<std::string> sets = delivery_test_settings(certs_.path());
  sets.push_back("platform.webhook=https://localhost:" + std::to_string(sim.port("https")) + "/events");
  start(sets);
  auto a = client("practice-a");
  ASSERT_EQ(a.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-REVOKED-RECEIVER")).status, 201);

  // The event's outbox item keeps failing with the revocation as its reason, and never arrives.
  std::string listing;
  EXPECT_TRUE(eventually([&] {
    listing =
        operator_request(gateway_->port("https"), certs_.path(), "GET", "/outbox?state=pending&channel=events").body;
    return listing.find("certificate revoked") != std::string::npos;
  })) << listing;
  EXPECT_EQ(read_text(dir_.str("received.jsonl")), "");
}

}  // namespace
}  // namespace rg::testing
