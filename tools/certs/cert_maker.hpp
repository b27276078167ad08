#pragma once

// Development certificates made with the OpenSSL 3 C API: a small API to make a CA and leaf
// certificates signed by it (tests use it to make an unknown "other" CA), and the fixed set of
// development files that `gatewayctl certs init` writes and `config/gateway.json` refers to.
//
// Nothing here throws (apart from std::bad_alloc); failures come back as `error` with a message
// that includes OpenSSL's error queue. Every function is safe to call from any thread; objects
// returned are owned by the caller and not shared.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <boost/system/result.hpp>

#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rg::certs {

// ---- RAII owners for the OpenSSL objects this API hands out ------------------------------------

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_deleter {
  void operator()(X509* p) const noexcept { X509_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

// ---- errors as values ---------------------------------------------------------------------------

struct error {
  error() = default;
  explicit error(std::string text) : message(std::move(text)) {}
  std::string message;
};

// Only reached if a caller calls .value() on a failed result; the library itself never does.
[[noreturn]] void throw_exception_from_error(error const& e, boost::source_location const& loc);

// Note: `error` is constructible from std::string, so a result<std::string> is made from a string
// value with the tag: `return {boost::system::in_place_value, text};`.
template <class T>
using result = boost::system::result<T, error>;

// ---- making certificates ------------------------------------------------------------------------

// A distinguished name. Empty parts are left out. Entries are encoded O, OU, CN so the RFC 2253
// string (see subject_string) reads "CN=...,OU=...,O=...".
struct name_spec {
  std::string common_name;
  std::string organisational_unit;
  std::string organisation;
};

struct ca_spec {
  name_spec subject;
  std::chrono::hours valid_for{24 * 825};
};

// A leaf (end-entity) certificate. Extended key usage is serverAuth and/or clientAuth; at least
// one must be set. SANs are optional (server certificates want them).
struct leaf_spec {
  name_spec subject;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // textual IPv4 or IPv6, e.g. "127.0.0.1", "::1"
  bool server_auth = false;
  bool client_auth = false;
  std::chrono::hours valid_for{24 * 825};
};

struct key_and_cert {
  pkey_ptr key;
  x509_ptr cert;
};

// A fresh EC P-256 key pair.
result<pkey_ptr> make_ec_key();

// A self-signed CA: EC P-256, SHA-256, basicConstraints critical CA:TRUE pathlen:0, keyUsage
// critical keyCertSign+cRLSign, subject and authority key identifiers, random 128-bit serial,
// valid from one hour ago (clock skew) for spec.valid_for.
result<key_and_cert> make_ca(ca_spec const& spec);

// A leaf signed by `issuer` (a result of make_ca): EC P-256, SHA-256, basicConstraints critical
// CA:FALSE, keyUsage critical digitalSignature, extendedKeyUsage from the spec, subjectAltName
// from the spec, subject and authority key identifiers, random 128-bit serial, valid from one
// hour ago for spec.valid_for.
result<key_and_cert> make_leaf(key_and_cert const& issuer, leaf_spec const& spec);

// PEM text of a certificate / an unencrypted PKCS#8 private key.
result<std::string> cert_to_pem(X509* cert);
result<std::string> key_to_pem(EVP_PKEY* key);

// Writes `contents` to `file` through a temporary file in the same directory and a rename, so a
// reader never sees half a file. The file ends up with exactly `mode` (0600 for keys).
result<void> write_file(std::filesystem::path const& file, std::string_view contents, unsigned mode);

// Writes the certificate (mode 0644) and the key (mode 0600) as PEM.
result<void> write_pem(key_and_cert const& kc, std::filesystem::path const& cert_file,
                       std::filesystem::path const& key_file);

result<x509_ptr> read_cert_pem(std::filesystem::path const& file);
result<pkey_ptr> read_key_pem(std::filesystem::path const& file);

// The subject in RFC 2253 form, e.g. "CN=practice-a,OU=A81001,O=Referral Gateway (development)".
std::string subject_string(X509 const* cert);

// ---- the development set (`gatewayctl certs init`) ----------------------------------------------

inline constexpr std::string_view dev_organisation = "Referral Gateway (development)";
inline constexpr std::string_view dev_ca_common_name = "Referral Gateway Development CA";
inline constexpr std::string_view default_dev_dir = "certs/dev";

// The client certificates and what they stand for. Their subjects are an interface: the
// configuration maps a caller's certificate to a role by subject, client `name` having the subject
// "CN=<name>,OU=<org_code>,O=Referral Gateway (development)".
struct dev_client {
  std::string_view name;      // files client-<name>.crt / client-<name>.key, and the CN
  std::string_view org_code;  // ODS organisation code, the OU
  std::string_view role;      // "referrer", "platform" or "operator"
};

inline constexpr std::array<dev_client, 5> dev_clients{{
    {"practice-a", "A81001", "referrer"},
    {"practice-b", "B82002", "referrer"},
    {"msk-clinic", "RXX01", "referrer"},
    {"platform", "PLT01", "platform"},
    {"operator", "PLT01", "operator"},  // gatewayctl outbox (the /ops routes)
}};

// The gateway's own client certificate, presented when it delivers feedback to a referrer's
// endpoint or posts to the platform webhook (mTLS; delivery.client_cert in config/gateway.json).
// It is not a caller of the gateway, so it is kept apart from dev_clients. Subject
// "CN=referral-gateway,OU=GW001,O=Referral Gateway (development)", files client-gateway.crt/.key.
inline constexpr std::string_view dev_gateway_client_file = "client-gateway";
inline constexpr std::string_view dev_gateway_common_name = "referral-gateway";
inline constexpr std::string_view dev_gateway_org_code = "GW001";

// The file names (no directory) of the development set, CA first: ca.crt, ca.key, server.crt,
// server.key, then client-<name>.crt / .key in dev_clients order, then client-gateway.crt / .key,
// and last the CA's revocation list ca.crl (crl_maker.hpp).
std::vector<std::string> dev_file_names();

// The specs the development set is made from (exposed so tests can compare against them).
ca_spec dev_ca_spec();
leaf_spec dev_server_spec();
leaf_spec dev_client_spec(dev_client const& client);
leaf_spec dev_gateway_client_spec();

// Makes the whole development set in memory, then writes every file into `dir` (created if
// missing), replacing files that exist, and an empty CRL. Callers decide beforehand whether
// replacing is wanted.
result<void> write_dev_set(std::filesystem::path const& dir);

}  // namespace rg::certs
