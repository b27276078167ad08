#include "tools/certs/certs_command.hpp"

#include "tools/certs/crl_maker.hpp"

#include "tests/unit/certs/test_support.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <map>
#include <sstream>

namespace rg::certs {
namespace {

namespace fs = std::filesystem;
using test::temp_dir;
using test::verify_chain;

struct run_output {
  int code;
  std::string out;
  std::string err;
};

run_output run(std::vector<std::string> const& args) {
  std::ostringstream out;
  std::ostringstream err;
  int const code = run_certs_command(args, out, err);
  return {code, out.str(), err.str()};
}

// Contents and modification time of every file in the set, to prove nothing was touched.
std::map<std::string, std::pair<std::string, fs::file_time_type>> snapshot(fs::path const& dir) {
  std::map<std::string, std::pair<std::string, fs::file_time_type>> files;
  for (std::string const& name : dev_file_names()) {
    std::error_code ec;
    if (fs::exists(dir / name, ec)) files[name] = {test::read_all(dir / name), fs::last_write_time(dir / name)};
  }
  return files;
}

x509_ptr load_cert(fs::path const& file) {
  auto cert = read_cert_pem(file);
  if (!cert) {
    ADD_FAILURE() << cert.error().message;
    return nullptr;
  }
  return std::move(*cert);
}

// One generated set, shared by the read-only tests (key generation is the slow part).
class dev_set : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new temp_dir;
    auto r = run({"init", "--dir", (dir_->path() / "nested" / "dev").string()});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path path() { return dir_->path() / "nested" / "dev"; }

  static temp_dir* dir_;
};
temp_dir* dev_set::dir_ = nullptr;

TEST_F(dev_set, creates_the_directory_and_every_file) {
  for (std::string const& name : dev_file_names()) EXPECT_TRUE(fs::is_regular_file(path() / name)) << name;
  EXPECT_EQ(dev_file_names(),
            (std::vector<std::string>{"ca.crt", "ca.key", "server.crt", "server.key", "client-practice-a.crt",
                                      "client-practice-a.key", "client-practice-b.crt", "client-practice-b.key",
                                      "client-msk-clinic.crt", "client-msk-clinic.key", "client-platform.crt",
                                      "client-platform.key", "client-operator.crt", "client-operator.key",
                                      "client-gateway.crt", "client-gateway.key", "ca.crl"}));
  std::size_t entries = 0;
  for (auto const& entry : fs::directory_iterator(path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 17u) << "no temporary or extra files left behind";
}

TEST_F(dev_set, private_keys_are_mode_0600) {
  for (std::string const& name : dev_file_names()) {
    if (name.ends_with(".key")) {
      EXPECT_EQ(test::file_mode(path() / name), 0600u) << name;
    }
  }
}

TEST_F(dev_set, every_key_matches_its_certificate) {
  for (std::string const& stem :
       {std::string("ca"), std::string("server"), std::string("client-practice-a"), std::string("client-practice-b"),
        std::string("client-msk-clinic"), std::string("client-platform"), std::string("client-gateway")}) {
    x509_ptr cert = load_cert(path() / (stem + ".crt"));
    auto key = read_key_pem(path() / (stem + ".key"));
    ASSERT_TRUE(cert && key) << stem;
    EXPECT_EQ(X509_check_private_key(cert.get(), key->get()), 1) << stem;
  }
}

TEST_F(dev_set, ca_is_the_development_ca) {
  x509_ptr ca = load_cert(path() / "ca.crt");
  ASSERT_TRUE(ca);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_get_pathlen(ca.get()), 0);
  EXPECT_EQ(subject_string(ca.get()), "CN=Referral Gateway Development CA,O=Referral Gateway (development)");
}

TEST_F(dev_set, server_chains_to_the_ca_for_localhost_and_loopback_addresses) {
  x509_ptr ca = load_cert(path() / "ca.crt");
  x509_ptr server = load_cert(path() / "server.crt");
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(verify_chain(server.get(), ca.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_NE(verify_chain(server.get(), ca.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "::1", 0), 1);
  EXPECT_EQ(subject_string(server.get()), "CN=localhost,O=Referral Gateway (development)");
}

TEST_F(dev_set, clients_chain_to_the_ca_for_client_auth_with_their_org_code_in_the_subject) {
  x509_ptr ca = load_cert(path() / "ca.crt");
  ASSERT_TRUE(ca);
  for (dev_client const& client : dev_clients) {
    std::string const name(client.name);
    x509_ptr cert = load_cert(path() / ("client-" + name + ".crt"));
    ASSERT_TRUE(cert) << name;
    EXPECT_EQ(verify_chain(cert.get(), ca.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK) << name;
    EXPECT_NE(verify_chain(cert.get(), ca.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK) << name;
    EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
    EXPECT_EQ(subject_string(cert.get()),
              "CN=" + name + ",OU=" + std::string(client.org_code) + ",O=Referral Gateway (development)");
  }
}

TEST_F(dev_set, gateway_client_certificate_chains_to_the_ca_for_client_auth_only) {
  x509_ptr ca = load_cert(path() / "ca.crt");
  x509_ptr cert = load_cert(path() / "client-gateway.crt");
  ASSERT_TRUE(ca && cert);
  EXPECT_EQ(verify_chain(cert.get(), ca.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_NE(verify_chain(cert.get(), ca.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_EQ(subject_string(cert.get()), "CN=referral-gateway,OU=GW001,O=Referral Gateway (development)");
}

TEST_F(dev_set, rerun_without_force_succeeds_and_changes_nothing) {
  auto const before = snapshot(path());
  auto r = run({"init", "--dir", path().string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("certificates already present in " + path().string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--force"), std::string::npos);
  EXPECT_EQ(snapshot(path()), before);
}

TEST(certs_init, force_replaces_every_file_with_a_fresh_set) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_EQ(run({"init", "--dir", dir.path().string()}).code, 0);
  auto const before = snapshot(dir.path());
  x509_ptr old_ca = load_cert(dir.path() / "ca.crt");
  ASSERT_TRUE(::chmod((dir.path() / "server.key").c_str(), 0644) == 0);

  auto r = run({"init", "--force", "--dir=" + dir.path().string()});
  ASSERT_EQ(r.code, 0) << r.err;
  auto const after = snapshot(dir.path());
  ASSERT_EQ(after.size(), before.size());
  for (auto const& [name, contents] : after)
    EXPECT_NE(contents.first, before.at(name).first) << name << " was not replaced";
  EXPECT_EQ(test::file_mode(dir.path() / "server.key"), 0600u);

  // The new leaves chain to the new CA, not the old one.
  x509_ptr new_ca = load_cert(dir.path() / "ca.crt");
  x509_ptr server = load_cert(dir.path() / "server.crt");
  ASSERT_TRUE(old_ca && new_ca && server);
  EXPECT_EQ(verify_chain(server.get(), new_ca.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_NE(verify_chain(server.get(), old_ca.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
}

TEST(certs_init, partial_set_is_refused_naming_the_files_present) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_EQ(run({"init", "--dir", dir.path().string()}).code, 0);
  fs::remove(dir.path() / "server.key");
  auto const before = snapshot(dir.path());

  auto r = run({"init", "--dir", dir.path().string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ca.crt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("client-platform.key"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("server.key"), std::string::npos) << "names only what exists: " << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(dir.path()), before);
  EXPECT_FALSE(fs::exists(dir.path() / "server.key"));
}

TEST(certs_init, a_single_stray_file_is_enough_to_refuse) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_TRUE(write_file(dir.path() / "ca.key", "mine\n", 0600));

  auto r = run({"init", "--dir", dir.path().string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ca.key"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_all(dir.path() / "ca.key"), "mine\n");
  EXPECT_FALSE(fs::exists(dir.path() / "ca.crt"));
}

TEST(certs_init, unwritable_directory_is_an_error_not_a_crash) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_TRUE(write_file(dir.path() / "file", "x", 0644));
  auto r = run({"init", "--dir", (dir.path() / "file" / "sub").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("file"), std::string::npos) << r.err;
}

TEST(certs_command, bad_arguments_print_usage_and_return_2) {
  for (std::vector<std::string> const& args : {std::vector<std::string>{},
                                               {"frobnicate"},
                                               {"init", "--bogus"},
                                               {"init", "--dir"},
                                               {"init", "--dir="},
                                               {"init", "--dir", "a", "--dir", "b"}}) {
    auto r = run(args);
    EXPECT_EQ(r.code, 2) << testing::PrintToString(args);
    EXPECT_NE(r.err.find("usage: gatewayctl certs init"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(certs_command, help_prints_usage_and_succeeds) {
  auto r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("usage: gatewayctl certs init"), std::string::npos);
}

TEST(parse_certs_args, defaults_to_certs_dev_without_force) {
  auto o = parse_certs_args({"init"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->dir, fs::path("certs/dev"));
  EXPECT_FALSE(o->force);

  auto p = parse_certs_args({"init", "--force", "--dir=x/y"});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->dir, fs::path("x/y"));
  EXPECT_TRUE(p->force);
}

x509_crl_ptr load_crl(fs::path const& file) {
  auto crl = read_crl_pem(file);
  if (!crl) {
    ADD_FAILURE() << crl.error().message;
    return nullptr;
  }
  return std::move(*crl);
}

long crl_number_of(X509_CRL* crl) {
  auto* n = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr));
  const long v = n ? ASN1_INTEGER_get(n) : -1;
  ASN1_INTEGER_free(n);
  return v;
}

TEST_F(dev_set, the_ca_revocation_list_is_signed_by_the_ca_and_revokes_nothing_yet) {
  x509_crl_ptr crl = load_crl(path() / "ca.crl");
  x509_ptr ca = load_cert(path() / "ca.crt");
  ASSERT_TRUE(crl && ca);
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca.get())), 0);
  EXPECT_LE(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 0) << "no entries (an empty CRL has no list)";
  EXPECT_EQ(crl_number_of(crl.get()), 1);
  EXPECT_EQ(test::file_mode(path() / "ca.crl"), 0644u);
}

TEST(certs_revoke, adds_the_named_certificate_to_the_crl_and_keeps_earlier_entries) {
  temp_dir dir;
  ASSERT_EQ(run({"init", "--dir", dir.path().string()}).code, 0);
  auto r = run({"revoke", "practice-a", "--dir", dir.path().string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("client-practice-a.crt revoked"), std::string::npos) << r.out;
  ASSERT_EQ(run({"revoke", "server", "--dir=" + dir.path().string()}).code, 0);

  x509_crl_ptr crl = load_crl(dir.path() / "ca.crl");
  x509_ptr ca = load_cert(dir.path() / "ca.crt");
  ASSERT_TRUE(crl && ca);
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(crl_number_of(crl.get()), 3) << "one number per issue";
  EXPECT_TRUE(lists_serial(crl.get(), load_cert(dir.path() / "client-practice-a.crt").get()));
  EXPECT_TRUE(lists_serial(crl.get(), load_cert(dir.path() / "server.crt").get()));
  EXPECT_FALSE(lists_serial(crl.get(), load_cert(dir.path() / "client-practice-b.crt").get()));

  // The revoked certificate now fails verification with the CRL; the others still pass.
  std::unique_ptr<X509_STORE, test::store_deleter> store{X509_STORE_new()};
  X509_STORE_add_cert(store.get(), ca.get());
  X509_STORE_add_crl(store.get(), crl.get());
  X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);
  const auto verify = [&](const char* file) {
    x509_ptr leaf = load_cert(dir.path() / file);
    std::unique_ptr<X509_STORE_CTX, test::store_ctx_deleter> ctx{X509_STORE_CTX_new()};
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr);
    return X509_verify_cert(ctx.get()) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
  };
  EXPECT_EQ(verify("client-practice-a.crt"), X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(verify("client-practice-b.crt"), X509_V_OK);
}

TEST(certs_revoke, revoking_twice_changes_nothing_and_unknown_names_fail) {
  temp_dir dir;
  ASSERT_EQ(run({"init", "--dir", dir.path().string()}).code, 0);
  ASSERT_EQ(run({"revoke", "platform", "--dir", dir.path().string()}).code, 0);
  const std::string before = test::read_all(dir.path() / "ca.crl");
  auto again = run({"revoke", "platform", "--dir", dir.path().string()});
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("already revoked"), std::string::npos) << again.out;
  EXPECT_EQ(test::read_all(dir.path() / "ca.crl"), before);

  auto unknown = run({"revoke", "nobody", "--dir", dir.path().string()});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("client-nobody.crt"), std::string::npos) << unknown.err;
  EXPECT_EQ(run({"revoke", "--dir", dir.path().string()}).code, 2);
  EXPECT_EQ(run({"revoke", "a", "b"}).code, 2);
  EXPECT_EQ(run({"revoke", "../ca"}).code, 2);
}

TEST(certs_revoke, a_certificate_of_another_ca_is_not_revoked_by_this_one) {
  temp_dir a;
  temp_dir b;
  ASSERT_EQ(run({"init", "--dir", a.path().string()}).code, 0);
  ASSERT_EQ(run({"init", "--dir", b.path().string()}).code, 0);
  fs::copy_file(b.path() / "client-platform.crt", a.path() / "client-stranger.crt");
  auto r = run({"revoke", "stranger", "--dir", a.path().string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("was not issued by"), std::string::npos) << r.err;
}

TEST(certs_init, a_set_made_before_crls_gets_its_crl_and_keeps_everything_else) {
  temp_dir dir;
  ASSERT_EQ(run({"init", "--dir", dir.path().string()}).code, 0);
  fs::remove(dir.path() / "ca.crl");
  const auto before = snapshot(dir.path());
  auto r = run({"init", "--dir", dir.path().string()});
  ASSERT_EQ(r.code, 0) << r.err;
  auto after = snapshot(dir.path());
  ASSERT_TRUE(after.count("ca.crl"));
  after.erase("ca.crl");
  EXPECT_EQ(after, before);
}

TEST(decide_init, writes_when_empty_or_forced_succeeds_when_complete_refuses_when_partial) {
  EXPECT_EQ(decide_init(0, 12, false), init_decision::write_all);
  EXPECT_EQ(decide_init(12, 12, false), init_decision::already_done);
  EXPECT_EQ(decide_init(1, 12, false), init_decision::refuse_partial);
  EXPECT_EQ(decide_init(11, 12, false), init_decision::refuse_partial);
  EXPECT_EQ(decide_init(0, 12, true), init_decision::write_all);
  EXPECT_EQ(decide_init(7, 12, true), init_decision::write_all);
  EXPECT_EQ(decide_init(12, 12, true), init_decision::write_all);
}

}  // namespace
}  // namespace rg::certs
