#include "adapters/hl7v2/v2_referral_ids.hpp"

#include <cctype>

namespace gateway::hl7v2 {
namespace {

// RFC 3986 unreserved characters stay; everything else is %XX.
std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  const auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && value(text[i + 1]) >= 0 && value(text[i + 2]) >= 0) {
      out += static_cast<char>(value(text[i + 1]) * 16 + value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string with_namespace(std::string_view base, std::string_view namespace_id) {
  std::string out(base);
  if (!namespace_id.empty()) {
    out += ':';
    out += percent_encode(namespace_id);
  }
  return out;
}

}  // namespace

std::string referral_id_system(std::string_view namespace_id, std::string_view universal_id,
                               std::string_view universal_id_type) {
  if (!universal_id.empty() && universal_id_type == "ISO") {
    std::string out = "urn:oid:";
    out += universal_id;
    return out;
  }
  return with_namespace(referral_id_base, namespace_id);
}

std::string external_referral_id_system(std::string_view namespace_id) {
  return with_namespace(external_referral_id_base, namespace_id);
}

entity_identifier entity_identifier_for(std::string_view system, std::string_view value) {
  entity_identifier ei;
  ei.id = std::string(value);
  if (system.starts_with("urn:oid:")) {
    ei.universal_id = std::string(system.substr(8));
    ei.universal_id_type = "ISO";
  } else if (system == referral_id_base) {
    // no namespace was sent
  } else if (system.starts_with(referral_id_base) && system[referral_id_base.size()] == ':') {
    ei.namespace_id = percent_decode(system.substr(referral_id_base.size() + 1));
  } else if (!system.empty()) {
    ei.universal_id = std::string(system);
    ei.universal_id_type = "URI";
  }
  return ei;
}

}  // namespace gateway::hl7v2
