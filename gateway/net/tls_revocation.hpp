#pragma once
// Certificate revocation for the gateway's TLS contexts, both directions: CRL files loaded into a
// context's trust store with CRL checking over the whole chain, and the re-check of an
// established connection's peer after the CRLs were reloaded.
#include <openssl/ssl.h>

#include <string>
#include <vector>

namespace gateway::net {

// Adds to `ctx`'s trust store every CRL in `crl_files` (PEM; a file may hold several) that was
// issued by a CA in `ca_file`, and turns on CRL checking for the leaf and every CA of the chain
// (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL): from then on a certificate whose issuer has
// no CRL is refused. Returns why it failed, naming the file, when a file holds no CRL or cannot be
// read, a CRL of one of those CAs does not verify with the CA's key or is past its nextUpdate, or
// a CA of `ca_file` has no CRL (its certificates would all be refused). CRLs of other CAs are
// left out. An empty `crl_files` changes nothing.
std::string add_revocation_lists(SSL_CTX* ctx, const std::vector<std::string>& crl_files, const std::string& ca_file);

// Whether the certificate the peer of `ssl` presented still verifies against `ctx`'s trust store
// (its CAs, CRLs and flags), e.g. after `ctx` replaced the context of the handshake. A connection
// without a verified peer certificate never does.
bool peer_still_verifies(SSL* ssl, SSL_CTX* ctx);

}  // namespace gateway::net
