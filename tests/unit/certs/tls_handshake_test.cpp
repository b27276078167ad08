// The generated files used the way the gateway uses them: an in-memory TLS handshake (OpenSSL,
// BIO pair, no sockets) with the server requiring a client certificate from the development CA.

#include "tools/certs/certs_command.hpp"

#include "tests/unit/certs/test_support.hpp"

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <sstream>

namespace rg::certs {
namespace {

namespace fs = std::filesystem;

struct ssl_ctx_deleter {
  void operator()(SSL_CTX* p) const noexcept { SSL_CTX_free(p); }
};
struct ssl_deleter {
  void operator()(SSL* p) const noexcept { SSL_free(p); }
};
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, ssl_ctx_deleter>;
using ssl_ptr = std::unique_ptr<SSL, ssl_deleter>;

// A context that presents cert_file/key_file (if given) and trusts ca_file, verifying the peer.
ssl_ctx_ptr make_ctx(bool server, fs::path const& ca_file, fs::path const& cert_file, fs::path const& key_file) {
  ssl_ctx_ptr ctx{SSL_CTX_new(server ? TLS_server_method() : TLS_client_method())};
  EXPECT_TRUE(ctx);
  if (!ctx) return nullptr;
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr), 1);
  if (!cert_file.empty()) {
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM), 1);
    EXPECT_EQ(SSL_CTX_check_private_key(ctx.get()), 1);
  }
  SSL_CTX_set_verify(ctx.get(), server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER, nullptr);
  return ctx;
}

struct handshake_result {
  bool client_ok = false;
  bool server_ok = false;
  std::string peer_subject;  // the client certificate as the server saw it
};

handshake_result handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx, char const* host) {
  handshake_result out;
  ssl_ptr client{SSL_new(client_ctx)};
  ssl_ptr server{SSL_new(server_ctx)};
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (!client || !server || BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) {
    ADD_FAILURE() << "cannot set up TLS objects";
    return out;
  }
  SSL_set_bio(client.get(), client_bio, client_bio);  // each SSL now owns its end
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_tlsext_host_name(client.get(), host);
  SSL_set1_host(client.get(), host);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());

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
      int const r = SSL_do_handshake(server.get());
      int const e = SSL_get_error(server.get(), r);
      out.server_ok = r == 1;
      server_failed = r != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
    }
    if ((out.client_ok || client_failed) && (out.server_ok || server_failed)) break;
  }
  if (out.server_ok) {
    x509_ptr peer{SSL_get1_peer_certificate(server.get())};
    out.peer_subject = subject_string(peer.get());
  }
  return out;
}

class mutual_tls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(run_certs_command({"init", "--dir", dir_.path().string()}, out, err), 0) << err.str();
    server_ = make_ctx(true, file("ca.crt"), file("server.crt"), file("server.key"));
  }

  fs::path file(std::string const& name) const { return dir_.path() / name; }

  ssl_ctx_ptr client(std::string const& stem) const {
    return make_ctx(false, file("ca.crt"), file(stem + ".crt"), file(stem + ".key"));
  }

  test::temp_dir dir_;
  ssl_ctx_ptr server_;
};

TEST_F(mutual_tls, each_development_client_is_accepted_and_identified_by_its_subject) {
  for (dev_client const& c : dev_clients) {
    ssl_ctx_ptr ctx = client("client-" + std::string(c.name));
    handshake_result r = handshake(ctx.get(), server_.get(), "localhost");
    EXPECT_TRUE(r.client_ok) << c.name;
    EXPECT_TRUE(r.server_ok) << c.name;
    EXPECT_EQ(r.peer_subject,
              "CN=" + std::string(c.name) + ",OU=" + std::string(c.org_code) + ",O=Referral Gateway (development)");
  }
}

TEST_F(mutual_tls, client_certificate_from_an_unknown_ca_is_refused) {
  auto other_ca = make_ca(ca_spec{.subject = {.common_name = "Unknown CA"}});
  ASSERT_TRUE(other_ca) << other_ca.error().message;
  // Same subject as a real client: only the issuing CA differs.
  leaf_spec spec = dev_client_spec(dev_clients[0]);
  auto stranger = make_leaf(*other_ca, spec);
  ASSERT_TRUE(stranger) << stranger.error().message;
  ASSERT_TRUE(write_pem(*stranger, file("stranger.crt"), file("stranger.key")));

  handshake_result r = handshake(client("stranger").get(), server_.get(), "localhost");
  EXPECT_FALSE(r.server_ok);
}

TEST_F(mutual_tls, server_certificate_cannot_be_used_as_a_client_certificate) {
  handshake_result r = handshake(client("server").get(), server_.get(), "localhost");
  EXPECT_FALSE(r.server_ok);
}

TEST_F(mutual_tls, no_client_certificate_is_refused) {
  ssl_ctx_ptr anonymous = make_ctx(false, file("ca.crt"), {}, {});
  handshake_result r = handshake(anonymous.get(), server_.get(), "localhost");
  EXPECT_FALSE(r.server_ok);
}

TEST_F(mutual_tls, server_certificate_does_not_pass_for_another_host) {
  handshake_result r = handshake(client("client-platform").get(), server_.get(), "gateway.example.org");
  EXPECT_FALSE(r.client_ok);
}

}  // namespace
}  // namespace rg::certs
