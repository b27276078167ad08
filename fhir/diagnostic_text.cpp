#include "fhir/diagnostic_text.hpp"

#include <cstdio>

namespace fhir {

std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  // Back off continuation bytes (10xxxxxx) so the cut falls before a lead byte.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string quote_value(std::string_view s, std::size_t max) {
  const std::string_view head = utf8_prefix(s, max);
  std::string out = "'";
  for (char c : head) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else if (c == '\'' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  if (head.size() < s.size()) out += "...";
  return out + "'";
}

}  // namespace fhir
