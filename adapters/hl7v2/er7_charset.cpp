#include "adapters/hl7v2/er7_charset.hpp"

namespace gateway::hl7v2 {
namespace {

// Length of the well-formed UTF-8 sequence at bytes[i] (Unicode 15, table 3-7), 0 if ill-formed.
std::size_t utf8_sequence(std::string_view bytes, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  const unsigned char b0 = at(i);
  if (b0 < 0x80) return 1;
  const std::size_t left = bytes.size() - i;
  const auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i + k < bytes.size() && at(i + k) >= lo && at(i + k) <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0;
  if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;  // no surrogates
  if (b0 == 0xF0) return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

std::string_view msh18_name(charset cs) {
  switch (cs) {
    case charset::ascii:
      return "ASCII";
    case charset::iso_8859_1:
      return "8859/1";
    case charset::utf8:
      return "UNICODE UTF-8";
  }
  return "ASCII";
}

std::optional<charset> charset_from_msh18(std::string_view name) {
  for (const charset cs : {charset::ascii, charset::iso_8859_1, charset::utf8}) {
    if (name == msh18_name(cs)) return cs;
  }
  return std::nullopt;
}

std::optional<std::size_t> first_invalid_byte(std::string_view bytes, charset cs) {
  switch (cs) {
    case charset::iso_8859_1:
      return std::nullopt;  // every byte is a character
    case charset::ascii:
      for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (static_cast<unsigned char>(bytes[i]) >= 0x80) return i;
      }
      return std::nullopt;
    case charset::utf8:
      for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = utf8_sequence(bytes, i);
        if (n == 0) return i;
        i += n;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> to_utf8(std::string_view bytes, charset cs) {
  if (first_invalid_byte(bytes, cs)) return std::nullopt;
  if (cs != charset::iso_8859_1) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xC0 | (b >> 6));
      out += static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  return out;
}

}  // namespace gateway::hl7v2
