#pragma once

// Certificate revocation lists for the development CA (`gatewayctl certs init` writes an empty
// ca.crl, `gatewayctl certs revoke NAME` adds a certificate to it) and for tests. Same rules as
// cert_maker.hpp: errors as values, no exceptions, callers own what they get.

#include "tools/certs/cert_maker.hpp"

#include <openssl/x509.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rg::certs {

struct x509_crl_deleter {
  void operator()(X509_CRL* p) const noexcept { X509_CRL_free(p); }
};
using x509_crl_ptr = std::unique_ptr<X509_CRL, x509_crl_deleter>;

// A version 2 CRL signed by `ca` (SHA-256): every entry of `previous` (may be null) plus each of
// `revoke` not already listed, revoked now; CRL number one above previous's (1 without one);
// authority key identifier; lastUpdate an hour ago (clock skew), nextUpdate after `valid_for`.
result<x509_crl_ptr> make_crl(key_and_cert const& ca, X509_CRL const* previous, std::vector<X509 const*> const& revoke,
                              std::chrono::hours valid_for = std::chrono::hours(24 * 825));

result<std::string> crl_to_pem(X509_CRL* crl);
result<x509_crl_ptr> read_crl_pem(std::filesystem::path const& file);

// True when the CRL lists the certificate's serial number.
bool lists_serial(X509_CRL const* crl, X509 const* cert);

// The development CRL, beside ca.crt/ca.key (config/gateway.json: revocation.crl_files).
inline constexpr std::string_view dev_crl_file = "ca.crl";

// Writes an empty CRL of the CA in `dir` to dir/ca.crl (mode 0644), replacing any.
result<void> write_empty_dev_crl(std::filesystem::path const& dir);

// The certificate file a development name stands for: "server" -> server.crt, anything else
// (practice-a, platform, gateway, ...) -> client-<name>.crt.
std::filesystem::path dev_certificate_file(std::filesystem::path const& dir, std::string_view name);

enum class revoke_outcome { revoked, already_revoked };

// Adds the certificate of `name` to dir/ca.crl, re-signed by dir/ca.key with the next CRL number.
// The certificate must have been issued by dir/ca.crt.
result<revoke_outcome> revoke_dev_certificate(std::filesystem::path const& dir, std::string_view name);

}  // namespace rg::certs
