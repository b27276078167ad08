#pragma once
// Distinguished names (X.501 / RFC 4514) as values that compare exactly: how a configured caller's
// issuer and subject are written in the configuration, and what a client certificate's names
// become (gateway/api/caller_registry.cpp) before they are compared.
//
// Normal form: attribute types are object identifiers (dotted decimal; "CN", "cn" and "2.5.4.3"
// are the same type), values are UTF-8 text with RFC 4514 escapes removed, the attributes of a
// multi-valued RDN are sorted (their order carries no meaning), and the RDNs keep their order.
// Values compare byte for byte: "practice-a" and "Practice-A" are different names. Pure values;
// no OpenSSL here.
#include <compare>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gateway::config {

struct dn_attribute {
  std::string oid;    // dotted decimal, e.g. "2.5.4.3"
  std::string value;  // UTF-8
  friend auto operator<=>(const dn_attribute&, const dn_attribute&) = default;
};

// One RDN: one attribute, or several joined by '+' (sorted).
using dn_rdn = std::vector<dn_attribute>;

// RDNs in RFC 4514 string order: the most specific first ("CN=...,OU=...,O=...").
struct distinguished_name {
  std::vector<dn_rdn> rdns;
  friend auto operator<=>(const distinguished_name&, const distinguished_name&) = default;
};

// Parses an RFC 4514 string. Attribute types are the short names of RFC 4514 section 3 and the
// other X.520 names listed in distinguished_name.cpp (case-insensitive), or dotted OIDs. Values
// may use the escapes of RFC 4514 (\, \+ \" \\ \< \> \; \= \# and \ space, and \XX hex pairs for
// UTF-8 bytes). Spaces around ',', '+' and '=' are ignored (as OpenSSL and many tools print
// them); spaces that belong to a value at its start or end must be escaped. Refused: an empty
// name or value, "#hex" (BER-encoded) values, unknown type names. The error says what is wrong.
std::variant<distinguished_name, std::string> parse_distinguished_name(std::string_view text);

// The RFC 4514 text of a normalised name, e.g. "CN=practice-a,OU=A81001,O=Acme\, Ltd" (short
// names where known, else the OID), for messages and logs.
std::string to_string(const distinguished_name& name);

// Puts a name in normal form: sorts the attributes inside each RDN.
void normalise(distinguished_name& name);

}  // namespace gateway::config
