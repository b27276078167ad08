#include "tools/certs/crl_maker.hpp"

#include "tools/certs/openssl_owners.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace rg::certs {
namespace {

// Appends an entry for `serial` revoked at `when`.
result<void> add_entry(X509_CRL* crl, ASN1_INTEGER const* serial, ASN1_TIME const* when) {
  x509_revoked_ptr entry{X509_REVOKED_new()};
  if (!entry || X509_REVOKED_set_serialNumber(entry.get(), const_cast<ASN1_INTEGER*>(serial)) != 1 ||
      X509_REVOKED_set_revocationDate(entry.get(), const_cast<ASN1_TIME*>(when)) != 1)
    return openssl_error("CRL entry");
  if (X509_CRL_add0_revoked(crl, entry.get()) != 1) return openssl_error("X509_CRL_add0_revoked");
  entry.release();  // owned by the CRL now
  return {};
}

long crl_number(X509_CRL const* crl) {
  if (crl == nullptr) return 0;
  asn1_integer_ptr number{
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(const_cast<X509_CRL*>(crl), NID_crl_number, nullptr, nullptr))};
  return number ? ASN1_INTEGER_get(number.get()) : 0;
}

}  // namespace

result<x509_crl_ptr> make_crl(key_and_cert const& ca, X509_CRL const* previous, std::vector<X509 const*> const& revoke,
                              std::chrono::hours valid_for) {
  if (!ca.key || !ca.cert) return error{"make_crl: the CA has no key or certificate"};
  x509_crl_ptr crl{X509_CRL_new()};
  if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.cert.get())) != 1)
    return openssl_error("X509_CRL_new");

  const std::time_t now = std::time(nullptr);
  asn1_time_ptr last{ASN1_TIME_adj(nullptr, now, 0, -3600)};
  asn1_time_ptr next{ASN1_TIME_adj(
      nullptr, now, 0, static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(valid_for).count()))};
  asn1_time_ptr revoked_at{ASN1_TIME_set(nullptr, now)};
  if (!last || !next || !revoked_at || X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1)
    return openssl_error("CRL validity");

  if (previous != nullptr) {
    const STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(const_cast<X509_CRL*>(previous));
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
      const X509_REVOKED* e = sk_X509_REVOKED_value(entries, i);
      if (auto r = add_entry(crl.get(), X509_REVOKED_get0_serialNumber(e), X509_REVOKED_get0_revocationDate(e)); !r)
        return r.error();
    }
  }
  for (X509 const* cert : revoke) {
    if (previous != nullptr && lists_serial(previous, cert)) continue;
    if (auto r = add_entry(crl.get(), X509_get0_serialNumber(cert), revoked_at.get()); !r) return r.error();
  }

  asn1_integer_ptr number{ASN1_INTEGER_new()};
  if (!number || ASN1_INTEGER_set(number.get(), crl_number(previous) + 1) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return openssl_error("CRL number");
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca.cert.get(), nullptr, nullptr, crl.get(), 0);
  x509_extension_ptr akid{X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always")};
  if (!akid || X509_CRL_add_ext(crl.get(), akid.get(), -1) != 1) return openssl_error("CRL authority key identifier");
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), ca.key.get(), EVP_sha256()) <= 0)
    return openssl_error("X509_CRL_sign");
  return crl;
}

result<std::string> crl_to_pem(X509_CRL* crl) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl) != 1) return openssl_error("PEM_write_bio_X509_CRL");
  return bio_contents(bio.get());
}

result<x509_crl_ptr> read_crl_pem(std::filesystem::path const& file) {
  bio_ptr bio{BIO_new_file(file.c_str(), "r")};
  if (!bio) return openssl_error("cannot open " + file.string());
  x509_crl_ptr crl{PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)};
  if (!crl) return openssl_error("no PEM CRL in " + file.string());
  return crl;
}

bool lists_serial(X509_CRL const* crl, X509 const* cert) {
  X509_REVOKED* entry = nullptr;
  return X509_CRL_get0_by_serial(const_cast<X509_CRL*>(crl), &entry,
                                 const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert))) == 1;
}

namespace {

result<key_and_cert> read_dev_ca(std::filesystem::path const& dir) {
  auto cert = read_cert_pem(dir / "ca.crt");
  if (!cert) return cert.error();
  auto key = read_key_pem(dir / "ca.key");
  if (!key) return key.error();
  return key_and_cert{std::move(*key), std::move(*cert)};
}

result<void> write_crl(std::filesystem::path const& dir, X509_CRL* crl) {
  auto pem = crl_to_pem(crl);
  if (!pem) return pem.error();
  return write_file(dir / dev_crl_file, *pem, 0644);
}

}  // namespace

result<void> write_empty_dev_crl(std::filesystem::path const& dir) {
  auto ca = read_dev_ca(dir);
  if (!ca) return ca.error();
  auto crl = make_crl(*ca, nullptr, {});
  if (!crl) return crl.error();
  return write_crl(dir, crl->get());
}

std::filesystem::path dev_certificate_file(std::filesystem::path const& dir, std::string_view name) {
  if (name == "server") return dir / "server.crt";
  return dir / ("client-" + std::string(name) + ".crt");
}

result<revoke_outcome> revoke_dev_certificate(std::filesystem::path const& dir, std::string_view name) {
  auto ca = read_dev_ca(dir);
  if (!ca) return ca.error();
  auto cert = read_cert_pem(dev_certificate_file(dir, name));
  if (!cert) return cert.error();
  if (X509_check_issued(ca->cert.get(), cert->get()) != X509_V_OK)
    return error{dev_certificate_file(dir, name).string() + " was not issued by " + (dir / "ca.crt").string()};
  x509_crl_ptr previous;
  if (std::filesystem::exists(dir / dev_crl_file)) {
    auto read = read_crl_pem(dir / dev_crl_file);
    if (!read) return read.error();
    previous = std::move(*read);
    if (lists_serial(previous.get(), cert->get())) return revoke_outcome::already_revoked;
  }
  auto crl = make_crl(*ca, previous.get(), {cert->get()});
  if (!crl) return crl.error();
  if (auto r = write_crl(dir, crl->get()); !r) return r.error();
  return revoke_outcome::revoked;
}

}  // namespace rg::certs
