#include "adapters/hl7v2/er7_escape.hpp"

#include <algorithm>
#include <cctype>

namespace gateway::hl7v2 {
namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

bool signed_digits(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  return !s.empty() && all_digits(s);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The formatting commands of HL7 v2.5.1 section 2.7.6.
bool is_formatting(std::string_view s) {
  if (s == ".br" || s == ".fi" || s == ".nf" || s == ".ce") return true;
  if (s.starts_with(".sp") || s.starts_with(".sk")) return all_digits(s.substr(3));
  if (s.starts_with(".in") || s.starts_with(".ti")) return signed_digits(s.substr(3));
  return false;
}

std::optional<escape_problem> check_sequence(std::string_view content, std::size_t at, const delimiters& d) {
  const auto fail = [&](er7_errc code, std::string problem) {
    return std::optional<escape_problem>(escape_problem{at, code, std::move(problem)});
  };
  if (content.size() == 1) {
    switch (content[0]) {
      case 'F':
      case 'S':
      case 'T':
      case 'R':
      case 'E':
      case 'H':
      case 'N':
        return std::nullopt;
      case 'P':
        if (d.truncation != '\0') return std::nullopt;
        return fail(er7_errc::unknown_escape, "escape sequence P (truncation) without a truncation character in MSH-2");
      default:
        break;
    }
  }
  if (content.empty()) return fail(er7_errc::unknown_escape, "empty escape sequence");
  switch (content[0]) {
    case 'X': {
      const std::string_view hex = content.substr(1);
      if (hex.empty() || hex.size() % 2 != 0 ||
          !std::all_of(hex.begin(), hex.end(), [](char c) { return hex_value(c) >= 0; })) {
        return fail(er7_errc::bad_hex_escape, "hexadecimal escape needs pairs of hex digits");
      }
      return std::nullopt;
    }
    case 'Z':
      return fail(er7_errc::unsupported_escape, "locally defined escape sequences (Z) are not supported");
    case 'C':
    case 'M':
      return fail(er7_errc::unsupported_escape, "character set switching escape sequences (C, M) are not supported");
    case '.':
      if (is_formatting(content)) return std::nullopt;
      break;
    default:
      break;
  }
  return fail(er7_errc::unknown_escape, "escape sequence is not defined by HL7 (write a backslash as the E escape)");
}

}  // namespace

std::optional<escape_problem> check_escapes(std::string_view raw, const delimiters& d) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != d.escape) continue;
    std::size_t j = i + 1;
    while (j < raw.size() && raw[j] != d.escape && !d.is_separator(raw[j])) ++j;
    if (j == raw.size() || raw[j] != d.escape) {
      return escape_problem{i, er7_errc::unterminated_escape,
                            "escape sequence is not closed by a second escape character"};
    }
    if (auto p = check_sequence(raw.substr(i + 1, j - i - 1), i, d)) return p;
    i = j;
  }
  return std::nullopt;
}

std::string unescape(std::string_view raw, const delimiters& d) {
  if (raw.find(d.escape) == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != d.escape) {
      out += raw[i];
      continue;
    }
    const std::size_t j = raw.find(d.escape, i + 1);
    if (j == std::string_view::npos) {  // not checked: keep the rest as it is
      out.append(raw.substr(i));
      break;
    }
    const std::string_view s = raw.substr(i + 1, j - i - 1);
    i = j;
    if (s == "F")
      out += d.field;
    else if (s == "S")
      out += d.component;
    else if (s == "T")
      out += d.subcomponent;
    else if (s == "R")
      out += d.repetition;
    else if (s == "E")
      out += d.escape;
    else if (s == "P" && d.truncation != '\0')
      out += d.truncation;
    else if (s == ".br" || s.starts_with(".sp"))
      out += '\n';
    else if (!s.empty() && s[0] == 'X') {
      for (std::size_t k = 1; k + 1 < s.size(); k += 2) {
        out += static_cast<char>(hex_value(s[k]) * 16 + hex_value(s[k + 1]));
      }
    }
    // \H\ \N\ and the other formatting commands carry no text.
  }
  return out;
}

std::string escape(std::string_view text, const delimiters& d) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 8);
  const auto sequence = [&](std::string_view s) {
    out += d.escape;
    out.append(s);
    out += d.escape;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto b = static_cast<unsigned char>(c);
    if (c == d.field)
      sequence("F");
    else if (c == d.component)
      sequence("S");
    else if (c == d.subcomponent)
      sequence("T");
    else if (c == d.repetition)
      sequence("R");
    else if (c == d.escape)
      sequence("E");
    else if (d.truncation != '\0' && c == d.truncation)
      sequence("P");
    else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      sequence(".br");
    } else if (b < 0x20 || b == 0x7F) {
      sequence(std::string{'X', hex[b >> 4], hex[b & 0xF]});
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace gateway::hl7v2
