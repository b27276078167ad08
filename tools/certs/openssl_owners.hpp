#pragma once

// RAII owners for the OpenSSL objects rg_certs uses internally, and the error helpers its files
// share. Not part of the library's interface (cert_maker.hpp, crl_maker.hpp).

#include "tools/certs/cert_maker.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace rg::certs {

struct bio_deleter {
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
};
struct bn_deleter {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
struct asn1_integer_deleter {
  void operator()(ASN1_INTEGER* p) const noexcept { ASN1_INTEGER_free(p); }
};
struct x509_name_deleter {
  void operator()(X509_NAME* p) const noexcept { X509_NAME_free(p); }
};
struct x509_extension_deleter {
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
};
struct general_names_deleter {
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
};
struct general_name_deleter {
  void operator()(GENERAL_NAME* p) const noexcept { GENERAL_NAME_free(p); }
};
struct octet_string_deleter {
  void operator()(ASN1_OCTET_STRING* p) const noexcept { ASN1_OCTET_STRING_free(p); }
};
struct ia5_string_deleter {
  void operator()(ASN1_IA5STRING* p) const noexcept { ASN1_IA5STRING_free(p); }
};

using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using bn_ptr = std::unique_ptr<BIGNUM, bn_deleter>;
using asn1_integer_ptr = std::unique_ptr<ASN1_INTEGER, asn1_integer_deleter>;
using x509_name_ptr = std::unique_ptr<X509_NAME, x509_name_deleter>;
using x509_extension_ptr = std::unique_ptr<X509_EXTENSION, x509_extension_deleter>;
using general_names_ptr = std::unique_ptr<GENERAL_NAMES, general_names_deleter>;
using general_name_ptr = std::unique_ptr<GENERAL_NAME, general_name_deleter>;
using octet_string_ptr = std::unique_ptr<ASN1_OCTET_STRING, octet_string_deleter>;
using ia5_string_ptr = std::unique_ptr<ASN1_IA5STRING, ia5_string_deleter>;
struct asn1_time_deleter {
  void operator()(ASN1_TIME* p) const noexcept { ASN1_TIME_free(p); }
};
struct x509_revoked_deleter {
  void operator()(X509_REVOKED* p) const noexcept { X509_REVOKED_free(p); }
};
using asn1_time_ptr = std::unique_ptr<ASN1_TIME, asn1_time_deleter>;
using x509_revoked_ptr = std::unique_ptr<X509_REVOKED, x509_revoked_deleter>;

// `what`, followed by whatever OpenSSL queued on this thread (the queue is emptied).
error openssl_error(std::string what);

// The bytes written to a memory BIO.
result<std::string> bio_contents(BIO* bio);

}  // namespace rg::certs
