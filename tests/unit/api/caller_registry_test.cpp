#include "gateway/api/caller_registry.hpp"

#include <gtest/gtest.h>

namespace gateway::api {
namespace {

// A certificate name as the TLS layer reports it: DER order (least specific first), one
// attribute per RDN unless `rdn` says otherwise.
std::vector<net::name_attribute> names(std::vector<std::pair<std::string, std::string>> der_order) {
  std::vector<net::name_attribute> out;
  int rdn = 0;
  for (auto& [oid, value] : der_order) out.push_back({rdn++, oid, value, true});
  return out;
}

constexpr const char* cn = "2.5.4.3";
constexpr const char* ou = "2.5.4.11";
constexpr const char* o = "2.5.4.10";

net::peer_identity peer(std::vector<net::name_attribute> subject,
                        std::vector<net::name_attribute> issuer = names({{o, "Dev"}, {cn, "Dev CA"}}),
                        std::string sha256 = std::string(64, 'a')) {
  return net::peer_identity{true, std::move(subject), std::move(issuer), std::move(sha256)};
}

config::caller named(std::string name, std::string_view subject, std::string_view issuer = "CN=Dev CA,O=Dev") {
  config::caller c;
  c.name = std::move(name);
  c.subject = std::get<config::distinguished_name>(config::parse_distinguished_name(subject));
  c.issuer = std::get<config::distinguished_name>(config::parse_distinguished_name(issuer));
  c.role = config::caller_role::referrer;
  c.organization = c.name;
  return c;
}

TEST(caller_registry, matches_the_exact_issuer_and_subject) {
  const caller_registry registry(
      {named("A81001", "CN=practice-a,OU=A81001"), named("B82002", "CN=practice-b,OU=B82002")});
  const auto found = registry.find(peer(names({{ou, "A81001"}, {cn, "practice-a"}})));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->organisation, "A81001");
}

TEST(caller_registry, extra_or_repeated_attributes_do_not_match_a_shorter_name) {
  const caller_registry registry({named("A81001", "CN=practice-a,OU=A81001")});
  EXPECT_FALSE(registry.find(peer(names({{o, "Elsewhere"}, {ou, "A81001"}, {cn, "practice-a"}}))));
  EXPECT_FALSE(registry.find(peer(names({{ou, "A81001"}, {ou, "B82002"}, {cn, "practice-a"}}))));
  EXPECT_FALSE(registry.find(peer(names({{ou, "A81001"}, {cn, "practice-a"}, {cn, "practice-b"}}))));
  EXPECT_FALSE(registry.find(peer(names({{cn, "practice-a"}, {ou, "A81001"}})))) << "RDN order matters";
}

TEST(caller_registry, the_same_subject_from_another_issuer_does_not_match) {
  const caller_registry registry({named("A81001", "CN=practice-a,OU=A81001")});
  EXPECT_FALSE(registry.find(peer(names({{ou, "A81001"}, {cn, "practice-a"}}), names({{cn, "Other CA"}}))));
}

TEST(caller_registry, multi_valued_rdns_match_in_any_attribute_order) {
  const caller_registry registry({named("A81001", "CN=practice-a+OU=A81001")});
  std::vector<net::name_attribute> subject{{0, ou, "A81001", true}, {0, cn, "practice-a", true}};
  EXPECT_TRUE(registry.find(peer(subject)));
  subject[1].rdn = 1;  // two RDNs, not one
  EXPECT_FALSE(registry.find(peer(subject)));
}

TEST(caller_registry, a_name_with_a_non_text_attribute_matches_nothing) {
  const caller_registry registry({named("A81001", "CN=practice-a,OU=A81001")});
  auto subject = names({{ou, "A81001"}, {cn, "practice-a"}, {"2.5.4.45", ""}});
  subject.back().text = false;
  EXPECT_FALSE(registry.find(peer(subject)));
}

TEST(caller_registry, a_pinned_fingerprint_matches_only_that_certificate_and_its_names_if_given) {
  config::caller pinned = named("PIN", "CN=practice-a,OU=A81001");
  pinned.sha256 = std::string(64, 'b');
  config::caller bare;
  bare.name = "BARE";
  bare.sha256 = std::string(64, 'c');
  bare.role = config::caller_role::platform;
  const caller_registry registry({pinned, bare});
  const auto subject = names({{ou, "A81001"}, {cn, "practice-a"}});
  EXPECT_FALSE(registry.find(peer(subject))) << "right names, other certificate";
  EXPECT_EQ(registry.find(peer(subject, names({{o, "Dev"}, {cn, "Dev CA"}}), std::string(64, 'b')))->name, "PIN");
  EXPECT_FALSE(registry.find(peer(names({{cn, "x"}}), names({{o, "Dev"}, {cn, "Dev CA"}}), std::string(64, 'b'))));
  EXPECT_EQ(registry.find(peer(names({{cn, "anything"}}), names({{cn, "any"}}), std::string(64, 'c')))->name, "BARE");
}

TEST(caller_registry, two_matching_callers_refuse_the_certificate_instead_of_picking_one) {
  // Configuration refuses this at start-up; the registry still fails closed.
  const caller_registry registry(
      {named("A81001", "CN=practice-a,OU=A81001"), named("B82002", "CN=practice-a,OU=A81001")});
  EXPECT_FALSE(registry.find(peer(names({{ou, "A81001"}, {cn, "practice-a"}}))));
}

TEST(caller_registry, no_certificate_is_no_caller) {
  const caller_registry registry({named("A81001", "CN=practice-a,OU=A81001")});
  EXPECT_FALSE(registry.find(net::peer_identity{}));
}

}  // namespace
}  // namespace gateway::api
