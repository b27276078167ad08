#include "tools/certs/cert_maker.hpp"

#include "tools/certs/crl_maker.hpp"
#include "tools/certs/openssl_owners.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace rg::certs {

void throw_exception_from_error(error const& e, boost::source_location const&) {
  throw std::runtime_error(e.message);
}

// `what`, followed by whatever OpenSSL queued on this thread (the queue is emptied).
error openssl_error(std::string what) {
  bool first = true;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    what += first ? ": " : "; ";
    what += buf;
    first = false;
  }
  return error{std::move(what)};
}

result<std::string> bio_contents(BIO* bio) {
  char* data = nullptr;
  long const size = BIO_get_mem_data(bio, &data);
  if (size < 0 || (size > 0 && data == nullptr)) return openssl_error("BIO_get_mem_data");
  return {boost::system::in_place_value, data, static_cast<std::size_t>(size)};
}

namespace {

error errno_error(std::string what, int err) {
  return error{std::move(what) + ": " + std::generic_category().message(err)};
}

// A positive, non-zero 128-bit serial (RFC 5280 allows up to 20 octets; CAs must use at least 64
// random bits). The top bit is cleared so the DER INTEGER stays 16 octets and positive.
result<asn1_integer_ptr> random_serial() {
  unsigned char bytes[16];
  do {
    if (RAND_bytes(bytes, sizeof bytes) != 1) return openssl_error("RAND_bytes");
    bytes[0] &= 0x7f;
  } while (bytes[0] == 0);  // keep it a full 127-128 bits, never zero
  bn_ptr bn{BN_bin2bn(bytes, sizeof bytes, nullptr)};
  if (!bn) return openssl_error("BN_bin2bn");
  asn1_integer_ptr serial{BN_to_ASN1_INTEGER(bn.get(), nullptr)};
  if (!serial) return openssl_error("BN_to_ASN1_INTEGER");
  return serial;
}

result<x509_name_ptr> make_name(name_spec const& spec) {
  x509_name_ptr name{X509_NAME_new()};
  if (!name) return openssl_error("X509_NAME_new");
  // DER order is most significant first, so the RFC 2253 string reads CN, OU, O.
  struct part {
    char const* field;
    std::string const& value;
  };
  for (part const& p :
       {part{"O", spec.organisation}, part{"OU", spec.organisational_unit}, part{"CN", spec.common_name}}) {
    if (p.value.empty()) continue;
    auto const* bytes = reinterpret_cast<unsigned char const*>(p.value.data());
    if (X509_NAME_add_entry_by_txt(name.get(), p.field, MBSTRING_UTF8, bytes, static_cast<int>(p.value.size()), -1,
                                   0) != 1)
      return openssl_error(std::string("subject ") + p.field + "=" + p.value);
  }
  return name;
}

// Adds an extension written in OpenSSL's configuration syntax (our own fixed strings only; SANs,
// which carry caller data, are built without parsing text).
result<void> add_ext(X509* cert, X509* issuer, int nid, char const* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  x509_extension_ptr ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
  if (!ext) return openssl_error(std::string("extension ") + OBJ_nid2sn(nid) + " " + value);
  if (X509_add_ext(cert, ext.get(), -1) != 1) return openssl_error(std::string("X509_add_ext ") + OBJ_nid2sn(nid));
  return {};
}

result<void> add_subject_alt_names(X509* cert, leaf_spec const& spec) {
  if (spec.dns_names.empty() && spec.ip_addresses.empty()) return {};
  general_names_ptr names{GENERAL_NAMES_new()};
  if (!names) return openssl_error("GENERAL_NAMES_new");
  for (std::string const& dns : spec.dns_names) {
    ia5_string_ptr text{ASN1_IA5STRING_new()};
    if (!text || ASN1_STRING_set(text.get(), dns.data(), static_cast<int>(dns.size())) != 1)
      return openssl_error("subjectAltName DNS:" + dns);
    general_name_ptr gn{GENERAL_NAME_new()};
    if (!gn) return openssl_error("GENERAL_NAME_new");
    GENERAL_NAME_set0_value(gn.get(), GEN_DNS, text.release());
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) == 0) return openssl_error("sk_GENERAL_NAME_push");
    gn.release();  // now owned by `names`
  }
  for (std::string const& ip : spec.ip_addresses) {
    octet_string_ptr octets{a2i_IPADDRESS(ip.c_str())};
    if (!octets) return openssl_error("subjectAltName IP:" + ip + " is not an IP address");
    general_name_ptr gn{GENERAL_NAME_new()};
    if (!gn) return openssl_error("GENERAL_NAME_new");
    GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, octets.release());
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) == 0) return openssl_error("sk_GENERAL_NAME_push");
    gn.release();
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return openssl_error("subjectAltName");
  return {};
}

// The parts every certificate shares: version 3, serial, validity, subject, issuer, public key.
result<x509_ptr> new_cert(EVP_PKEY* subject_key, name_spec const& subject, X509_NAME const* issuer_name,
                          std::chrono::hours valid_for) {
  x509_ptr cert{X509_new()};
  if (!cert) return openssl_error("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) return openssl_error("X509_set_version");

  auto serial = random_serial();
  if (!serial) return serial.error();
  if (X509_set_serialNumber(cert.get(), serial->get()) != 1) return openssl_error("X509_set_serialNumber");

  // Valid from an hour ago so a peer whose clock is slightly behind still accepts it.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                       std::chrono::duration_cast<std::chrono::seconds>(valid_for).count()))
    return openssl_error("certificate validity");

  auto name = make_name(subject);
  if (!name) return name.error();
  if (X509_set_subject_name(cert.get(), name->get()) != 1) return openssl_error("X509_set_subject_name");
  // X509_set_issuer_name copies; a null issuer means self-issued.
  if (X509_set_issuer_name(cert.get(), issuer_name ? issuer_name : name->get()) != 1)
    return openssl_error("X509_set_issuer_name");
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return openssl_error("X509_set_pubkey");
  return cert;
}

result<void> sign(X509* cert, EVP_PKEY* issuer_key) {
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) return openssl_error("X509_sign");
  return {};
}

// Writes all of `contents` to `fd`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view contents) {
  while (!contents.empty()) {
    ssize_t const n = ::write(fd, contents.data(), contents.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    contents.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

// ---- making certificates ------------------------------------------------------------------------

result<pkey_ptr> make_ec_key() {
  pkey_ptr key{EVP_EC_gen("P-256")};
  if (!key) return openssl_error("EC P-256 key generation");
  return key;
}

result<key_and_cert> make_ca(ca_spec const& spec) {
  auto key = make_ec_key();
  if (!key) return key.error();
  auto cert = new_cert(key->get(), spec.subject, nullptr, spec.valid_for);
  if (!cert) return cert.error();
  X509* c = cert->get();
  // The subject key identifier must exist before the authority key identifier refers to it.
  for (auto const& [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
        std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"}, std::pair{NID_subject_key_identifier, "hash"},
        std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto r = add_ext(c, c, nid, value); !r) return r.error();
  }
  if (auto r = sign(c, key->get()); !r) return r.error();
  return key_and_cert{std::move(*key), std::move(*cert)};
}

result<key_and_cert> make_leaf(key_and_cert const& issuer, leaf_spec const& spec) {
  if (!issuer.key || !issuer.cert) return error{"make_leaf: issuer has no key or certificate"};
  if (!spec.server_auth && !spec.client_auth) return error{"make_leaf: neither serverAuth nor clientAuth requested"};
  if (X509_check_private_key(issuer.cert.get(), issuer.key.get()) != 1)
    return openssl_error("make_leaf: issuer key does not match issuer certificate");

  auto key = make_ec_key();
  if (!key) return key.error();
  X509_NAME const* issuer_name = X509_get_subject_name(issuer.cert.get());
  auto cert = new_cert(key->get(), spec.subject, issuer_name, spec.valid_for);
  if (!cert) return cert.error();
  X509* c = cert->get();
  X509* ca = issuer.cert.get();

  char const* eku = spec.server_auth && spec.client_auth ? "serverAuth,clientAuth"
                    : spec.server_auth                   ? "serverAuth"
                                                         : "clientAuth";
  for (auto const& [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:FALSE"}, std::pair{NID_key_usage, "critical,digitalSignature"},
        std::pair{NID_ext_key_usage, eku}, std::pair{NID_subject_key_identifier, "hash"},
        std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto r = add_ext(c, ca, nid, value); !r) return r.error();
  }
  if (auto r = add_subject_alt_names(c, spec); !r) return r.error();
  if (auto r = sign(c, issuer.key.get()); !r) return r.error();
  return key_and_cert{std::move(*key), std::move(*cert)};
}

// ---- PEM and files ------------------------------------------------------------------------------

result<std::string> cert_to_pem(X509* cert) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio) return openssl_error("BIO_new");
  if (PEM_write_bio_X509(bio.get(), cert) != 1) return openssl_error("PEM_write_bio_X509");
  return bio_contents(bio.get());
}

result<std::string> key_to_pem(EVP_PKEY* key) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio) return openssl_error("BIO_new");
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return openssl_error("PEM_write_bio_PrivateKey");
  return bio_contents(bio.get());
}

result<void> write_file(std::filesystem::path const& file, std::string_view contents, unsigned mode) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  ::unlink(tmp.c_str());  // a leftover from an interrupted run
  // O_EXCL with the final mode from the start: the key is never readable by others, not even
  // for a moment, and fchmod makes the mode exact whatever the umask.
  int const fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode & 0600));
  if (fd < 0) return errno_error("cannot create " + tmp.string(), errno);
  int err = 0;
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0 || !write_all(fd, contents) || ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return errno_error("cannot write " + tmp.string(), err);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return errno_error("cannot rename " + tmp.string() + " to " + file.string(), err);
  }
  return {};
}

result<void> write_pem(key_and_cert const& kc, std::filesystem::path const& cert_file,
                       std::filesystem::path const& key_file) {
  auto cert_pem = cert_to_pem(kc.cert.get());
  if (!cert_pem) return cert_pem.error();
  auto key_pem = key_to_pem(kc.key.get());
  if (!key_pem) return key_pem.error();
  if (auto r = write_file(key_file, *key_pem, 0600); !r) return r;
  return write_file(cert_file, *cert_pem, 0644);
}

result<x509_ptr> read_cert_pem(std::filesystem::path const& file) {
  bio_ptr bio{BIO_new_file(file.c_str(), "r")};
  if (!bio) return openssl_error("cannot open " + file.string());
  x509_ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
  if (!cert) return openssl_error("no PEM certificate in " + file.string());
  return cert;
}

result<pkey_ptr> read_key_pem(std::filesystem::path const& file) {
  bio_ptr bio{BIO_new_file(file.c_str(), "r")};
  if (!bio) return openssl_error("cannot open " + file.string());
  pkey_ptr key{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
  if (!key) return openssl_error("no PEM private key in " + file.string());
  return key;
}

std::string subject_string(X509 const* cert) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || !cert) return {};
  if (X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return {};
  auto text = bio_contents(bio.get());
  return text ? std::move(*text) : std::string{};
}

// ---- the development set ------------------------------------------------------------------------

std::vector<std::string> dev_file_names() {
  std::vector<std::string> names{"ca.crt", "ca.key", "server.crt", "server.key"};
  for (dev_client const& client : dev_clients) {
    names.push_back("client-" + std::string(client.name) + ".crt");
    names.push_back("client-" + std::string(client.name) + ".key");
  }
  names.push_back(std::string(dev_gateway_client_file) + ".crt");
  names.push_back(std::string(dev_gateway_client_file) + ".key");
  names.emplace_back("ca.crl");
  return names;
}

ca_spec dev_ca_spec() {
  return ca_spec{
      .subject = {.common_name = std::string(dev_ca_common_name), .organisation = std::string(dev_organisation)},
  };
}

leaf_spec dev_server_spec() {
  return leaf_spec{
      .subject = {.common_name = "localhost", .organisation = std::string(dev_organisation)},
      .dns_names = {"localhost"},
      .ip_addresses = {"127.0.0.1", "::1"},
      .server_auth = true,
  };
}

leaf_spec dev_client_spec(dev_client const& client) {
  return leaf_spec{
      .subject = {.common_name = std::string(client.name),
                  .organisational_unit = std::string(client.org_code),
                  .organisation = std::string(dev_organisation)},
      .client_auth = true,
  };
}

leaf_spec dev_gateway_client_spec() {
  return leaf_spec{
      .subject = {.common_name = std::string(dev_gateway_common_name),
                  .organisational_unit = std::string(dev_gateway_org_code),
                  .organisation = std::string(dev_organisation)},
      .client_auth = true,
  };
}

result<void> write_dev_set(std::filesystem::path const& dir) {
  // Everything is made in memory first, so a failure to make a certificate writes nothing.
  struct item {
    std::string stem;
    key_and_cert kc;
  };
  std::vector<item> items;

  auto ca = make_ca(dev_ca_spec());
  if (!ca) return ca.error();
  auto server = make_leaf(*ca, dev_server_spec());
  if (!server) return server.error();
  items.push_back({"server", std::move(*server)});
  for (dev_client const& client : dev_clients) {
    auto leaf = make_leaf(*ca, dev_client_spec(client));
    if (!leaf) return leaf.error();
    items.push_back({"client-" + std::string(client.name), std::move(*leaf)});
  }
  auto gateway_client = make_leaf(*ca, dev_gateway_client_spec());
  if (!gateway_client) return gateway_client.error();
  items.push_back({std::string(dev_gateway_client_file), std::move(*gateway_client)});
  items.insert(items.begin(), item{"ca", std::move(*ca)});

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return error{"cannot create directory " + dir.string() + ": " + ec.message()};
  for (item const& it : items) {
    if (auto r = write_pem(it.kc, dir / (it.stem + ".crt"), dir / (it.stem + ".key")); !r) return r;
  }
  // The CA revokes nothing yet; `gatewayctl certs revoke NAME` adds to this list.
  return write_empty_dev_crl(dir);
}

}  // namespace rg::certs
