#include "tools/certs/cert_maker.hpp"

#include "tests/unit/certs/test_support.hpp"

#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace rg::certs {
namespace {

using test::temp_dir;
using test::verify_chain;

key_and_cert ca_or_die(ca_spec const& spec) {
  auto ca = make_ca(spec);
  if (!ca) {
    ADD_FAILURE() << ca.error().message;
    return {};
  }
  return std::move(*ca);
}

bool is_critical(X509* cert, int nid) {
  int const pos = X509_get_ext_by_NID(cert, nid, -1);
  return pos >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, pos)) == 1;
}

// Seconds from now to `t` (negative in the past).
long seconds_from_now(ASN1_TIME const* t) {
  int days = 0;
  int secs = 0;
  EXPECT_EQ(ASN1_TIME_diff(&days, &secs, nullptr, t), 1);
  return static_cast<long>(days) * 86400 + secs;
}

int serial_bits(X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn{ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), &BN_free};
  return bn ? BN_num_bits(bn.get()) : -1;
}

ca_spec other_ca_spec() {
  return ca_spec{.subject = {.common_name = "Some Other CA", .organisation = "Elsewhere"}};
}

TEST(make_ca, is_a_self_signed_p256_sha256_ca_limited_to_signing_leaves) {
  key_and_cert ca = ca_or_die(dev_ca_spec());
  ASSERT_TRUE(ca.cert && ca.key);
  X509* c = ca.cert.get();

  EXPECT_EQ(X509_verify(c, ca.key.get()), 1) << "self-signed with its own key";
  EXPECT_EQ(X509_check_private_key(c, ca.key.get()), 1);
  EXPECT_EQ(X509_get_signature_nid(c), NID_ecdsa_with_SHA256);
  char group[64] = {};
  ASSERT_EQ(EVP_PKEY_get_group_name(ca.key.get(), group, sizeof group, nullptr), 1);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_get_version(c), X509_VERSION_3);

  EXPECT_EQ(X509_check_ca(c), 1);
  EXPECT_EQ(X509_get_pathlen(c), 0);
  EXPECT_TRUE(is_critical(c, NID_basic_constraints));
  EXPECT_EQ(X509_get_key_usage(c), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_TRUE(is_critical(c, NID_key_usage));
  EXPECT_NE(X509_get0_subject_key_id(c), nullptr);
  EXPECT_EQ(subject_string(c), "CN=Referral Gateway Development CA,O=Referral Gateway (development)");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)), 0);
}

TEST(make_ca, validity_starts_an_hour_back_and_lasts_825_days) {
  key_and_cert ca = ca_or_die(dev_ca_spec());
  ASSERT_TRUE(ca.cert);
  long const before = seconds_from_now(X509_get0_notBefore(ca.cert.get()));
  long const after = seconds_from_now(X509_get0_notAfter(ca.cert.get()));
  EXPECT_NEAR(before, -3600, 60);
  EXPECT_NEAR(after, 825L * 86400, 60);
}

TEST(make_ca, serials_are_random_and_about_128_bits) {
  key_and_cert a = ca_or_die(dev_ca_spec());
  key_and_cert b = ca_or_die(dev_ca_spec());
  ASSERT_TRUE(a.cert && b.cert);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.cert.get()), X509_get0_serialNumber(b.cert.get())), 0);
  for (X509* c : {a.cert.get(), b.cert.get()}) {
    EXPECT_GE(serial_bits(c), 121);  // top byte is non-zero after clearing the sign bit
    EXPECT_LE(serial_bits(c), 127);
  }
}

TEST(make_leaf, server_certificate_chains_to_its_ca_and_names_its_hosts) {
  key_and_cert ca = ca_or_die(dev_ca_spec());
  auto server = make_leaf(ca, dev_server_spec());
  ASSERT_TRUE(server) << server.error().message;
  X509* s = server->cert.get();

  EXPECT_EQ(verify_chain(s, ca.cert.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_NE(verify_chain(s, ca.cert.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK) << "serverAuth only";
  EXPECT_EQ(X509_check_host(s, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(s, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(s, "::1", 0), 1);
  EXPECT_NE(X509_check_host(s, "example.org", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_get_extended_key_usage(s), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_EQ(X509_get_key_usage(s), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_check_ca(s), 0);
  EXPECT_NE(X509_get0_authority_key_id(s), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(s), X509_get0_subject_key_id(ca.cert.get())), 0);
  EXPECT_EQ(X509_check_private_key(s, server->key.get()), 1);
  EXPECT_EQ(subject_string(s), "CN=localhost,O=Referral Gateway (development)");
}

TEST(make_leaf, client_certificate_is_for_client_auth_only_and_carries_its_org_code) {
  key_and_cert ca = ca_or_die(dev_ca_spec());
  auto client = make_leaf(ca, dev_client_spec(dev_clients[0]));
  ASSERT_TRUE(client) << client.error().message;
  X509* c = client->cert.get();

  EXPECT_EQ(verify_chain(c, ca.cert.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_NE(verify_chain(c, ca.cert.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(X509_get_extended_key_usage(c), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_EQ(subject_string(c), "CN=practice-a,OU=A81001,O=Referral Gateway (development)");
}

TEST(make_leaf, certificate_from_another_ca_does_not_chain_to_the_first) {
  key_and_cert dev_ca = ca_or_die(dev_ca_spec());
  key_and_cert other_ca = ca_or_die(other_ca_spec());
  auto stranger = make_leaf(other_ca, leaf_spec{.subject = {.common_name = "stranger"},
                                                .dns_names = {"localhost"},
                                                .server_auth = true,
                                                .client_auth = true});
  ASSERT_TRUE(stranger) << stranger.error().message;

  EXPECT_EQ(verify_chain(stranger->cert.get(), other_ca.cert.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_EQ(verify_chain(stranger->cert.get(), other_ca.cert.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(verify_chain(stranger->cert.get(), dev_ca.cert.get(), X509_PURPOSE_SSL_CLIENT),
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST(make_leaf, same_subject_from_another_ca_is_still_refused) {
  // A look-alike CA with the dev CA's exact name: only the key decides.
  key_and_cert dev_ca = ca_or_die(dev_ca_spec());
  key_and_cert impostor = ca_or_die(dev_ca_spec());
  auto client = make_leaf(impostor, dev_client_spec(dev_clients[3]));
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_NE(verify_chain(client->cert.get(), dev_ca.cert.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
}

TEST(make_leaf, reports_errors_as_values) {
  key_and_cert ca = ca_or_die(dev_ca_spec());

  auto no_usage = make_leaf(ca, leaf_spec{.subject = {.common_name = "x"}});
  ASSERT_FALSE(no_usage);
  EXPECT_NE(no_usage.error().message.find("serverAuth"), std::string::npos);

  auto bad_ip =
      make_leaf(ca, leaf_spec{.subject = {.common_name = "x"}, .ip_addresses = {"not-an-ip"}, .server_auth = true});
  ASSERT_FALSE(bad_ip);
  EXPECT_NE(bad_ip.error().message.find("not-an-ip"), std::string::npos);

  EXPECT_FALSE(make_leaf(key_and_cert{}, dev_server_spec()));

  key_and_cert other = ca_or_die(other_ca_spec());
  key_and_cert mismatched{std::move(other.key), std::move(ca.cert)};
  auto mixed = make_leaf(mismatched, dev_server_spec());
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message.find("does not match"), std::string::npos);
}

TEST(write_pem, round_trips_and_keeps_the_key_private) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  key_and_cert ca = ca_or_die(other_ca_spec());
  auto r = write_pem(ca, dir.path() / "other.crt", dir.path() / "other.key");
  ASSERT_TRUE(r) << r.error().message;

  EXPECT_EQ(test::file_mode(dir.path() / "other.key"), 0600u);
  EXPECT_EQ(test::file_mode(dir.path() / "other.crt"), 0644u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "other.key.tmp"));
  EXPECT_EQ(test::read_all(dir.path() / "other.key").rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);

  auto cert = read_cert_pem(dir.path() / "other.crt");
  auto key = read_key_pem(dir.path() / "other.key");
  ASSERT_TRUE(cert) << cert.error().message;
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(X509_cmp(cert->get(), ca.cert.get()), 0);
  EXPECT_EQ(EVP_PKEY_eq(key->get(), ca.key.get()), 1);
}

TEST(write_pem, replacing_a_world_readable_key_makes_it_private) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  auto const key_file = dir.path() / "k.key";
  ASSERT_TRUE(write_file(key_file, "old", 0644));
  ASSERT_EQ(test::file_mode(key_file), 0644u);
  key_and_cert ca = ca_or_die(other_ca_spec());
  ASSERT_TRUE(write_pem(ca, dir.path() / "k.crt", key_file));
  EXPECT_EQ(test::file_mode(key_file), 0600u);
}

TEST(read_pem, missing_or_wrong_files_are_errors_naming_the_file) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  auto missing = read_cert_pem(dir.path() / "nope.crt");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.crt"), std::string::npos);

  ASSERT_TRUE(write_file(dir.path() / "junk.key", "not pem\n", 0600));
  auto junk = read_key_pem(dir.path() / "junk.key");
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.error().message.find("junk.key"), std::string::npos);
}

TEST(dev_clients, table_names_each_client_org_code_and_role) {
  ASSERT_EQ(dev_clients.size(), 5u);
  EXPECT_EQ(dev_clients[0].name, "practice-a");
  EXPECT_EQ(dev_clients[0].org_code, "A81001");
  EXPECT_EQ(dev_clients[0].role, "referrer");
  EXPECT_EQ(dev_clients[1].name, "practice-b");
  EXPECT_EQ(dev_clients[1].org_code, "B82002");
  EXPECT_EQ(dev_clients[1].role, "referrer");
  EXPECT_EQ(dev_clients[2].name, "msk-clinic");
  EXPECT_EQ(dev_clients[2].org_code, "RXX01");
  EXPECT_EQ(dev_clients[2].role, "referrer");
  EXPECT_EQ(dev_clients[3].name, "platform");
  EXPECT_EQ(dev_clients[3].org_code, "PLT01");
  EXPECT_EQ(dev_clients[3].role, "platform");
  EXPECT_EQ(dev_clients[4].name, "operator");
  EXPECT_EQ(dev_clients[4].org_code, "PLT01");
  EXPECT_EQ(dev_clients[4].role, "operator");
}

}  // namespace
}  // namespace rg::certs
