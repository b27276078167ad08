// The generated files used by the gateway's own TLS contexts (gateway/net: the FHIR listener's
// make_server_tls_context, the HTTPS client's make_client_tls_context): an in-memory handshake
// (OpenSSL, BIO pair, no sockets) between SSL objects made from those contexts, including
// revocation through the development CRL and the re-check after a reload.

#include "tools/certs/certs_command.hpp"
#include "tools/certs/crl_maker.hpp"

#include "tests/unit/certs/test_support.hpp"

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

#include <sstream>

#include "gateway/net/https_client_tls.hpp"
#include "gateway/net/tls_context.hpp"
#include "gateway/net/tls_revocation.hpp"

namespace rg::certs {
namespace {

namespace fs = std::filesystem;
namespace net = gateway::net;
using context_ptr = std::shared_ptr<boost::asio::ssl::context>;

struct ssl_deleter {
  void operator()(SSL* p) const noexcept { SSL_free(p); }
};
using ssl_ptr = std::unique_ptr<SSL, ssl_deleter>;

struct handshake_result {
  bool client_ok = false;
  bool server_ok = false;
  std::string peer_subject;  // the client certificate as the server saw it
  ssl_ptr server;            // the server's end, for checks after the handshake
};

handshake_result handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx, std::string const& host) {
  handshake_result out;
  ssl_ptr client{SSL_new(client_ctx)};
  out.server.reset(SSL_new(server_ctx));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (!client || !out.server || BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) {
    ADD_FAILURE() << "cannot set up TLS objects";
    return out;
  }
  SSL_set_bio(client.get(), client_bio, client_bio);  // each SSL now owns its end
  SSL_set_bio(out.server.get(), server_bio, server_bio);
  EXPECT_TRUE(net::expect_server_name(client.get(), host));  // what the gateway's HTTPS client does
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(out.server.get());

  bool client_failed = false;
  bool server_failed = false;
  for (int round = 0; round < 50; ++round) {
    if (!out.client_ok && !client_failed) {
      int const r = SSL_do_handshake(client.get());
      int const e = SSL_get_error(client.get(), r);
      out.client_ok = r == 1;
      client_failed = r != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
    }
    if (!out.server_ok && !server_failed) {
      int const r = SSL_do_handshake(out.server.get());
      int const e = SSL_get_error(out.server.get(), r);
      out.server_ok = r == 1;
      server_failed = r != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
    }
    if ((out.client_ok || client_failed) && (out.server_ok || server_failed)) break;
  }
  // TLS 1.3: the client finishes before the server has judged its certificate; its next read
  // would fail. What counts for the client certificate is the server's side.
  if (out.server_ok) {
    x509_ptr peer{SSL_get1_peer_certificate(out.server.get())};
    out.peer_subject = subject_string(peer.get());
  }
  ERR_clear_error();
  return out;
}

class gateway_tls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(run_certs_command({"init", "--dir", dir_.path().string()}, out, err), 0) << err.str();
    server_ = server_context();
    ASSERT_TRUE(server_);
  }

  std::string file(std::string const& name) const { return (dir_.path() / name).string(); }

  // The FHIR listener's context, as main() makes it from the default configuration.
  context_ptr server_context(std::vector<std::string> crls = {}, std::string* error = nullptr) const {
    if (crls.empty()) crls = {file("ca.crl")};
    auto made = net::make_server_tls_context(
        {file("server.crt"), file("server.key"), file("ca.crt"), true, false, std::move(crls)});
    if (auto* e = std::get_if<net::tls_setup_error>(&made)) {
      if (error != nullptr) *error = e->message;
      return nullptr;
    }
    return std::get<context_ptr>(made);
  }

  // The gateway's HTTPS client context presenting `stem` (.crt/.key).
  context_ptr client_context(std::string const& stem, std::vector<std::string> crls = {}) const {
    auto made = net::make_client_tls_context(
        {file("ca.crt"), stem.empty() ? "" : file(stem + ".crt"), stem.empty() ? "" : file(stem + ".key"), crls});
    if (auto* e = std::get_if<std::string>(&made)) {
      ADD_FAILURE() << *e;
      return nullptr;
    }
    return std::get<context_ptr>(made);
  }

  void revoke(std::string const& name) {
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(run_certs_command({"revoke", name, "--dir", dir_.path().string()}, out, err), 0) << err.str();
  }

  test::temp_dir dir_;
  context_ptr server_;
};

TEST_F(gateway_tls, each_development_client_is_accepted_and_identified_by_its_subject) {
  for (dev_client const& c : dev_clients) {
    context_ptr client = client_context("client-" + std::string(c.name));
    handshake_result r = handshake(client->native_handle(), server_->native_handle(), "localhost");
    EXPECT_TRUE(r.client_ok) << c.name;
    EXPECT_TRUE(r.server_ok) << c.name;
    EXPECT_EQ(r.peer_subject,
              "CN=" + std::string(c.name) + ",OU=" + std::string(c.org_code) + ",O=Referral Gateway (development)");
  }
}

TEST_F(gateway_tls, client_certificate_from_an_unknown_ca_is_refused) {
  auto other_ca = make_ca(ca_spec{.subject = {.common_name = "Unknown CA"}});
  ASSERT_TRUE(other_ca) << other_ca.error().message;
  // Same subject as a real client: only the issuing CA differs.
  auto stranger = make_leaf(*other_ca, dev_client_spec(dev_clients[0]));
  ASSERT_TRUE(stranger) << stranger.error().message;
  ASSERT_TRUE(write_pem(*stranger, file("stranger.crt"), file("stranger.key")));
  handshake_result r = handshake(client_context("stranger")->native_handle(), server_->native_handle(), "localhost");
  EXPECT_FALSE(r.server_ok);
}

TEST_F(gateway_tls, server_certificate_cannot_be_used_as_a_client_certificate) {
  handshake_result r = handshake(client_context("server")->native_handle(), server_->native_handle(), "localhost");
  EXPECT_FALSE(r.server_ok);
}

TEST_F(gateway_tls, no_client_certificate_is_refused) {
  handshake_result r = handshake(client_context("")->native_handle(), server_->native_handle(), "localhost");
  EXPECT_FALSE(r.server_ok);
}

TEST_F(gateway_tls, server_certificate_does_not_pass_for_another_host) {
  handshake_result r =
      handshake(client_context("client-platform")->native_handle(), server_->native_handle(), "gateway.example.org");
  EXPECT_FALSE(r.client_ok);
}

TEST_F(gateway_tls, a_revoked_client_certificate_is_refused_at_the_handshake_and_the_others_still_pass) {
  revoke("practice-a");
  context_ptr server = server_context();
  ASSERT_TRUE(server);
  EXPECT_FALSE(
      handshake(client_context("client-practice-a")->native_handle(), server->native_handle(), "localhost").server_ok);
  EXPECT_TRUE(
      handshake(client_context("client-practice-b")->native_handle(), server->native_handle(), "localhost").server_ok);
}

TEST_F(gateway_tls, a_revoked_receiver_certificate_is_refused_by_the_gateways_https_client) {
  revoke("server");
  context_ptr with_crl = client_context("client-gateway", {file("ca.crl")});
  EXPECT_FALSE(handshake(with_crl->native_handle(), server_->native_handle(), "localhost").client_ok);
  context_ptr without_crl = client_context("client-gateway");
  EXPECT_TRUE(handshake(without_crl->native_handle(), server_->native_handle(), "localhost").client_ok)
      << "the CRL, not something else, refuses it";
}

TEST_F(gateway_tls, a_connection_made_before_a_revocation_no_longer_verifies_against_the_reloaded_context) {
  handshake_result a =
      handshake(client_context("client-practice-a")->native_handle(), server_->native_handle(), "localhost");
  handshake_result b =
      handshake(client_context("client-practice-b")->native_handle(), server_->native_handle(), "localhost");
  ASSERT_TRUE(a.server_ok && b.server_ok);
  EXPECT_TRUE(net::peer_still_verifies(a.server.get(), server_->native_handle()));
  revoke("practice-a");
  context_ptr reloaded = server_context();
  ASSERT_TRUE(reloaded);
  EXPECT_FALSE(net::peer_still_verifies(a.server.get(), reloaded->native_handle()));
  EXPECT_TRUE(net::peer_still_verifies(b.server.get(), reloaded->native_handle()));
}

TEST_F(gateway_tls, crls_that_would_silently_weaken_or_block_checking_are_refused_when_loading) {
  std::string error;
  // A CA of the trust store without a CRL: all its certificates would fail; say so at start-up.
  auto other_ca = make_ca(ca_spec{.subject = {.common_name = "Other CA"}});
  ASSERT_TRUE(other_ca);
  auto other_crl = make_crl(*other_ca, nullptr, {});
  ASSERT_TRUE(other_crl);
  ASSERT_TRUE(write_file(dir_.path() / "other.crl", *crl_to_pem(other_crl->get()), 0644));
  EXPECT_FALSE(server_context({file("other.crl")}, &error));
  EXPECT_NE(error.find("no CRL for the CA CN=Referral Gateway Development CA"), std::string::npos) << error;

  // A CRL with the CA's name but another key.
  auto impostor = make_ca(dev_ca_spec());
  ASSERT_TRUE(impostor);
  auto forged = make_crl(*impostor, nullptr, {});
  ASSERT_TRUE(forged);
  ASSERT_TRUE(write_file(dir_.path() / "forged.crl", *crl_to_pem(forged->get()), 0644));
  EXPECT_FALSE(server_context({file("forged.crl")}, &error));
  EXPECT_NE(error.find("is not signed by that CA"), std::string::npos) << error;

  // A CRL past its nextUpdate.
  auto ca_cert = read_cert_pem(dir_.path() / "ca.crt");
  auto ca_key = read_key_pem(dir_.path() / "ca.key");
  ASSERT_TRUE(ca_cert && ca_key);
  key_and_cert ca{std::move(*ca_key), std::move(*ca_cert)};
  auto stale = make_crl(ca, nullptr, {}, std::chrono::hours(-1));
  ASSERT_TRUE(stale);
  ASSERT_TRUE(write_file(dir_.path() / "stale.crl", *crl_to_pem(stale->get()), 0644));
  EXPECT_FALSE(server_context({file("stale.crl")}, &error));
  EXPECT_NE(error.find("past its nextUpdate"), std::string::npos) << error;

  EXPECT_FALSE(server_context({file("ca.crt")}, &error));
  EXPECT_NE(error.find("holds no CRL"), std::string::npos) << error;
}

TEST_F(gateway_tls, the_https_client_refuses_a_receiver_that_offers_only_weak_tls_1_2_suites) {
  // A receiver limited to TLS 1.2 with a CBC (non-AEAD) suite: OpenSSL's defaults would agree.
  context_ptr weak = server_context();
  SSL_CTX_set_max_proto_version(weak->native_handle(), TLS1_2_VERSION);
  ASSERT_EQ(SSL_CTX_set_cipher_list(weak->native_handle(), "ECDHE-ECDSA-AES128-SHA256"), 1);
  SSL_CTX_set_verify(weak->native_handle(), SSL_VERIFY_NONE, nullptr);

  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> openssl_default{SSL_CTX_new(TLS_client_method()), SSL_CTX_free};
  SSL_CTX_load_verify_locations(openssl_default.get(), file("ca.crt").c_str(), nullptr);
  SSL_CTX_set_security_level(openssl_default.get(), 1);
  EXPECT_TRUE(handshake(openssl_default.get(), weak->native_handle(), "localhost").client_ok)
      << "control: the weak suite itself works";
  EXPECT_FALSE(
      handshake(client_context("client-gateway")->native_handle(), weak->native_handle(), "localhost").client_ok);
}

}  // namespace
}  // namespace rg::certs
