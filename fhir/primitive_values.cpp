#include "fhir/primitive_values.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace fhir {
namespace {

// R4: a string may be at most 1 MB.
constexpr std::size_t max_string_bytes = 1024u * 1024u;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly n digits at s[pos..]; returns -1 when they are not all digits.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Parses YYYY[-MM[-DD]] from the start; returns the number of characters used (0 on error) and
// whether all three parts were there.
std::size_t parse_date_part(std::string_view s, bool& full) {
  full = false;
  const int y = digits(s, 0, 4);
  if (y < 1) return 0;  // year 0000 is not allowed
  if (s.size() == 4 || s[4] != '-') return 4;
  const int m = digits(s, 5, 2);
  if (m < 1 || m > 12) return 0;
  if (s.size() == 7 || s[7] != '-') return 7;
  const int d = digits(s, 8, 2);
  if (d < 1 || d > days_in_month(y, m)) return 0;
  full = true;
  return 10;
}

// hh:mm:ss(.fraction)? ; returns characters used, 0 on error.
std::size_t parse_time_part(std::string_view s) {
  const int h = digits(s, 0, 2), mi = digits(s, 3, 2), se = digits(s, 6, 2);
  if (s.size() < 8 || s[2] != ':' || s[5] != ':' || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return 0;
  std::size_t pos = 8;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == start) return 0;
  }
  return pos;
}

// Z or +hh:mm / -hh:mm, and nothing after.
bool is_zone(std::string_view s) {
  if (s == "Z") return true;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return false;
  const int h = digits(s, 1, 2), m = digits(s, 4, 2);
  return h >= 0 && m >= 0 && m <= 59 && (h < 14 || (h == 14 && m == 0));
}

bool has_bad_controls(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 && c != '\t' && c != '\r' && c != '\n';
  });
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view check_string_value(primitive_kind kind, std::string_view s) {
  if (s.empty()) return "must not be an empty string (leave the element out instead)";
  if (s.size() > max_string_bytes) return "is longer than 1 MB";
  switch (kind) {
    case primitive_kind::string:
    case primitive_kind::markdown:
      if (std::all_of(s.begin(), s.end(), is_space)) return "must not be only whitespace";
      return has_bad_controls(s) ? "contains control characters" : "";
    case primitive_kind::code:
      return is_valid_code(s) ? "" : "is not a valid code (no leading, trailing or double whitespace)";
    case primitive_kind::id:
      return is_valid_id(s) ? "" : "is not a valid id (1 to 64 of A-Z a-z 0-9 - .)";
    case primitive_kind::uri:
    case primitive_kind::url:
    case primitive_kind::canonical:
      return is_valid_uri(s) ? "" : "is not a valid URI (no whitespace allowed)";
    case primitive_kind::oid:
      return is_valid_oid(s) ? "" : "is not a valid oid (urn:oid:1.2.3)";
    case primitive_kind::uuid:
      return is_valid_uuid(s) ? "" : "is not a valid uuid (urn:uuid: and lower-case hex 8-4-4-4-12)";
    case primitive_kind::base64_binary:
      return is_valid_base64(s) ? "" : "is not valid base64";
    case primitive_kind::date:
      return is_valid_date(s) ? "" : "is not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)";
    case primitive_kind::date_time:
      return is_valid_date_time(s)
                 ? ""
                 : "is not a valid dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone)";
    case primitive_kind::instant:
      return is_valid_instant(s) ? "" : "is not a valid instant (YYYY-MM-DDThh:mm:ss(.sss) with a time zone)";
    case primitive_kind::time:
      return is_valid_time(s) ? "" : "is not a valid time (hh:mm:ss)";
    case primitive_kind::xhtml:
      return "";  // the narrative rules (txt-1, txt-2): narrative_check.cpp
    default:
      return "";
  }
}

}  // namespace

bool is_valid_id(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

bool is_valid_code(std::string_view s) {
  if (s.empty() || is_space(s.front()) || is_space(s.back())) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_space(s[i])) continue;
    if (s[i] != ' ' || is_space(s[i + 1])) return false;  // single spaces only; s.back() is not space
  }
  return true;
}

bool is_valid_uri(std::string_view s) {
  return !s.empty() && std::none_of(s.begin(), s.end(), is_space);
}

bool is_valid_oid(std::string_view s) {
  constexpr std::string_view prefix = "urn:oid:";
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  if (s.size() < 3 || s[0] < '0' || s[0] > '2' || s[1] != '.') return false;
  // Then one or more arcs: 0 or a number without a leading zero.
  std::size_t pos = 1;
  while (pos < s.size()) {
    if (s[pos] != '.' || pos + 1 >= s.size() || !is_digit(s[pos + 1])) return false;
    const std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (s[start] == '0' && pos - start > 1) return false;
  }
  return true;
}

bool is_valid_uuid(std::string_view s) {
  constexpr std::string_view prefix = "urn:uuid:";
  if (s.size() != prefix.size() + 36 || s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !(is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return true;
}

bool is_valid_base64(std::string_view s) {
  std::size_t count = 0, padding = 0;
  for (char c : s) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
    } else if (padding != 0 || !(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) {
      return false;  // data after padding, or not a base64 character
    }
    ++count;
  }
  return count % 4 == 0 && padding <= 2;
}

bool is_valid_date(std::string_view s) {
  bool full = false;
  const std::size_t n = parse_date_part(s, full);
  return n != 0 && n == s.size();
}

bool is_valid_date_time(std::string_view s) {
  bool full = false;
  const std::size_t n = parse_date_part(s, full);
  if (n == 0) return false;
  if (n == s.size()) return true;
  if (!full || s[n] != 'T') return false;
  const std::string_view rest = s.substr(n + 1);
  const std::size_t t = parse_time_part(rest);
  return t != 0 && is_zone(rest.substr(t));  // a time needs a zone in R4
}

bool is_valid_instant(std::string_view s) {
  bool full = false;
  const std::size_t n = parse_date_part(s, full);
  return full && n < s.size() && s[n] == 'T' && is_valid_date_time(s);
}

bool is_valid_time(std::string_view s) {
  const std::size_t n = parse_time_part(s);
  return n != 0 && n == s.size();
}

std::string_view check_primitive(primitive_kind kind, const rapidjson::Value& v) {
  switch (kind) {
    case primitive_kind::boolean:
      return v.IsBool() ? "" : "must be a JSON boolean (true or false)";
    case primitive_kind::integer:
      return v.IsInt() ? "" : "must be a JSON integer (32-bit, no fraction or exponent)";
    case primitive_kind::unsigned_int:
      return v.IsInt() && v.GetInt() >= 0 ? "" : "must be a JSON integer from 0 to 2147483647";
    case primitive_kind::positive_int:
      return v.IsInt() && v.GetInt() >= 1 ? "" : "must be a JSON integer from 1 to 2147483647";
    case primitive_kind::decimal:
      return v.IsNumber() ? "" : "must be a JSON number";
    default:
      break;
  }
  if (!v.IsString()) return "must be a JSON string";
  return check_string_value(kind, std::string_view(v.GetString(), v.GetStringLength()));
}

std::string_view primitive_name(primitive_kind kind) {
  static constexpr std::string_view names[] = {
      "",     "boolean",      "integer",  "unsignedInt", "positiveInt", "decimal",   "string",
      "code", "id",           "markdown", "uri",         "url",         "canonical", "oid",
      "uuid", "base64Binary", "date",     "dateTime",    "instant",     "time",      "xhtml"};
  return names[static_cast<std::size_t>(kind)];
}

}  // namespace fhir
