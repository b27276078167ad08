#include "gateway/net/peer_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

namespace gateway::net {

peer_identity read_peer_identity(SSL* ssl) {
  peer_identity id;
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return id;
  id.present = true;
  const X509_NAME* name = X509_get_subject_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (len < 0) continue;
    const char* short_name = nid == NID_undef ? "UNDEF" : OBJ_nid2sn(nid);
    id.subject.emplace_back(short_name, std::string(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len)));
    OPENSSL_free(utf8);
  }
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
