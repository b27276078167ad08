#include "gateway/net/tls_revocation.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace gateway::net {
namespace {

struct info_stack_deleter {
  void operator()(STACK_OF(X509_INFO) * s) const noexcept { sk_X509_INFO_pop_free(s, X509_INFO_free); }
};
using info_stack = std::unique_ptr<STACK_OF(X509_INFO), info_stack_deleter>;

struct store_ctx_deleter {
  void operator()(X509_STORE_CTX* p) const noexcept { X509_STORE_CTX_free(p); }
};

// Every certificate and CRL of a PEM file; null and `error` set when it cannot be read.
info_stack read_pem(const std::string& file, std::string& error) {
  BIO* bio = BIO_new_file(file.c_str(), "r");
  if (bio == nullptr) {
    ERR_clear_error();
    error = file + ": cannot be read";
    return nullptr;
  }
  info_stack infos{PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr)};
  BIO_free(bio);
  ERR_clear_error();
  if (!infos) error = file + ": not PEM";
  return infos;
}

std::string name_text(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out = size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
  BIO_free(bio);
  return out;
}

}  // namespace

std::string add_revocation_lists(SSL_CTX* ctx, const std::vector<std::string>& crl_files, const std::string& ca_file) {
  if (crl_files.empty()) return {};
  std::string error;
  const info_stack cas = read_pem(ca_file, error);
  if (!cas) return error;
  struct crl_in_file {
    X509_CRL* crl;
    const std::string* file;
  };
  std::vector<info_stack> files;
  std::vector<crl_in_file> crls;
  for (const auto& file : crl_files) {
    info_stack infos = read_pem(file, error);
    if (!infos) return error;
    const std::size_t before = crls.size();
    for (int i = 0; i < sk_X509_INFO_num(infos.get()); ++i)
      if (X509_CRL* crl = sk_X509_INFO_value(infos.get(), i)->crl) crls.push_back({crl, &file});
    if (crls.size() == before) return file + ": holds no CRL";
    files.push_back(std::move(infos));
  }

  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  for (int i = 0; i < sk_X509_INFO_num(cas.get()); ++i) {
    X509* ca = sk_X509_INFO_value(cas.get(), i)->x509;
    if (ca == nullptr) continue;
    bool covered = false;
    for (const auto& [crl, file] : crls) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0) continue;
      if (X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1) {
        ERR_clear_error();
        return *file + ": the CRL of " + name_text(X509_CRL_get_issuer(crl)) + " is not signed by that CA (" + ca_file +
               ")";
      }
      const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
      if (next != nullptr && X509_cmp_current_time(next) <= 0) {
        return *file + ": the CRL of " + name_text(X509_CRL_get_issuer(crl)) +
               " is past its nextUpdate; issue a current one";
      }
      if (X509_STORE_add_crl(store, crl) != 1) {
        ERR_clear_error();
        return *file + ": cannot add the CRL of " + name_text(X509_CRL_get_issuer(crl));
      }
      covered = true;
    }
    if (!covered) {
      return "no CRL for the CA " + name_text(X509_get_subject_name(ca)) + " of " + ca_file +
             " (every certificate it issued would be refused)";
    }
  }
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  return {};
}

bool peer_still_verifies(SSL* ssl, SSL_CTX* ctx) {
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return false;
  std::unique_ptr<X509_STORE_CTX, store_ctx_deleter> verify{X509_STORE_CTX_new()};
  // The chain as the peer sent it (on a server, without the leaf): the untrusted intermediates.
  if (!verify ||
      X509_STORE_CTX_init(verify.get(), SSL_CTX_get_cert_store(ctx), leaf, SSL_get_peer_cert_chain(ssl)) != 1)
    return false;
  X509_STORE_CTX_set_purpose(verify.get(), SSL_is_server(ssl) ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER);
  const bool ok = X509_verify_cert(verify.get()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace gateway::net
