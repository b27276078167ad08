#include "gateway/net/peer_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

namespace gateway::net {

namespace {

std::vector<name_attribute> attributes_of(const X509_NAME* name) {
  std::vector<name_attribute> out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    name_attribute a;
    a.rdn = X509_NAME_ENTRY_set(entry);
    char oid[128];
    const int oid_len = OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(entry), 1);
    if (oid_len <= 0 || oid_len >= static_cast<int>(sizeof oid)) {
      a.text = false;
    } else {
      a.oid.assign(oid, static_cast<std::size_t>(oid_len));
    }
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (len < 0) {
      a.text = false;
    } else {
      a.value.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
      OPENSSL_free(utf8);
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

peer_identity read_peer_identity(SSL* ssl) {
  peer_identity id;
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return id;
  id.present = true;
  id.subject = attributes_of(X509_get_subject_name(cert));
  id.issuer = attributes_of(X509_get_issuer_name(cert));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &digest_len) == 1) {
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < digest_len; ++i) {
      id.sha256 += hex[digest[i] >> 4];
      id.sha256 += hex[digest[i] & 0xf];
    }
  }
  return id;
}

}  // namespace gateway::net
