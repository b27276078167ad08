#include "gateway/api/caller_registry.hpp"

#include <map>

namespace gateway::api {

std::optional<config::distinguished_name> certificate_name(const std::vector<net::name_attribute>& attributes) {
  // DER order is least specific first; RFC 4514 order (and the configuration's) is the reverse.
  std::map<int, config::dn_rdn, std::greater<>> rdns;
  for (const auto& a : attributes) {
    if (!a.text) return std::nullopt;
    rdns[a.rdn].push_back({a.oid, a.value});
  }
  config::distinguished_name name;
  for (auto& [index, rdn] : rdns) name.rdns.push_back(std::move(rdn));
  config::normalise(name);
  return name;
}

caller unidentified_caller(const net::peer_identity& peer) {
  caller who;
  if (peer.present) who.name = "unregistered certificate sha256:" + peer.sha256;
  return who;
}

caller_registry::caller_registry(std::vector<config::caller> callers) : callers_(std::move(callers)) {}

std::optional<caller> caller_registry::find(const net::peer_identity& peer) const {
  if (!peer.present) return std::nullopt;
  const auto subject = certificate_name(peer.subject);
  const auto issuer = certificate_name(peer.issuer);
  const config::caller* found = nullptr;
  for (const auto& c : callers_) {
    if (!c.sha256.empty() && c.sha256 != peer.sha256) continue;
    if (c.subject && (!subject || !issuer || *c.subject != *subject || *c.issuer != *issuer)) continue;
    if (found != nullptr) return std::nullopt;  // two matches: refuse rather than guess
    found = &c;
  }
  if (found == nullptr) return std::nullopt;
  core::caller_role role = core::caller_role::referrer;
  if (found->role == config::caller_role::platform) role = core::caller_role::platform;
  if (found->role == config::caller_role::operator_) role = core::caller_role::operator_;
  return caller{found->name, role, found->organization};
}

}  // namespace gateway::api
