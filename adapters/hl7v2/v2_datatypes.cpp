#include "adapters/hl7v2/v2_datatypes.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace gateway::hl7v2 {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> systems = {{
    {"LN", "http://loinc.org"},
    {"SCT", "http://snomed.info/sct"},
    {"I10", "http://hl7.org/fhir/sid/icd-10"},
    {"I9C", "http://hl7.org/fhir/sid/icd-9-cm"},
    {"UCUM", "http://unitsofmeasure.org"},
    {"HL70001", "http://terminology.hl7.org/CodeSystem/v2-0001"},
    {"HL70078", "http://terminology.hl7.org/CodeSystem/v2-0078"},
}};

bool digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

int number(std::string_view s) {
  int n = 0;
  for (const char c : s) n = n * 10 + (c - '0');
  return n;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool valid_day(int y, int m, int d) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

struct dtm_parts {
  std::string_view year, month, day, hour, minute, second, fraction;
  std::string_view zone;  // "+0100" or empty
};

std::optional<dtm_parts> split_dtm(std::string_view s) {
  dtm_parts p;
  const std::size_t z = s.find_first_of("+-");
  if (z != std::string_view::npos) {
    p.zone = s.substr(z);
    s = s.substr(0, z);
    if (p.zone.size() != 5 || !digits(p.zone.substr(1)) || number(p.zone.substr(1, 2)) > 14 ||
        number(p.zone.substr(3)) > 59)
      return std::nullopt;
  }
  const std::size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    p.fraction = s.substr(dot + 1);
    s = s.substr(0, dot);
    if (p.fraction.empty() || p.fraction.size() > 4 || !digits(p.fraction) || s.size() != 14) return std::nullopt;
  }
  if (!digits(s) || s.size() < 4 || s.size() > 14 || s.size() % 2 != 0) return std::nullopt;
  p.year = s.substr(0, 4);
  if (s.size() >= 6) p.month = s.substr(4, 2);
  if (s.size() >= 8) p.day = s.substr(6, 2);
  if (s.size() >= 10) p.hour = s.substr(8, 2);
  if (s.size() >= 12) p.minute = s.substr(10, 2);
  if (s.size() >= 14) p.second = s.substr(12, 2);
  const int y = number(p.year);
  if (y == 0) return std::nullopt;
  if (!p.month.empty() && (number(p.month) < 1 || number(p.month) > 12)) return std::nullopt;
  if (!p.day.empty() && !valid_day(y, number(p.month), number(p.day))) return std::nullopt;
  if (!p.hour.empty() && number(p.hour) > 23) return std::nullopt;
  if (!p.minute.empty() && number(p.minute) > 59) return std::nullopt;
  if (!p.second.empty() && number(p.second) > 59) return std::nullopt;
  return p;
}

std::string date_of(const dtm_parts& p) {
  std::string out(p.year);
  for (const std::string_view part : {p.month, p.day}) {
    if (part.empty()) break;
    out += '-';
    out += part;
  }
  return out;
}

}  // namespace

std::optional<std::string> fhir_date_from_dtm(std::string_view dtm) {
  const auto p = split_dtm(dtm);
  if (!p) return std::nullopt;
  return date_of(*p);
}

std::optional<std::string> fhir_date_time_from_dtm(std::string_view dtm) {
  const auto p = split_dtm(dtm);
  if (!p) return std::nullopt;
  if (p->hour.empty() || p->zone.empty() || p->day.empty()) return date_of(*p);
  std::string out = date_of(*p);
  out += 'T';
  out += p->hour;
  out += ':';
  out += p->minute.empty() ? "00" : p->minute;
  out += ':';
  out += p->second.empty() ? "00" : p->second;
  if (!p->fraction.empty()) {
    out += '.';
    out += p->fraction;
  }
  out += p->zone.substr(0, 3);
  out += ':';
  out += p->zone.substr(3);
  return out;
}

std::optional<std::string> dtm_from_fhir(std::string_view s) {
  // YYYY[-MM[-DD[Thh:mm:ss[.f+](Z|+hh:mm)]]]
  const auto at = [&](std::size_t i, char c) { return i < s.size() && s[i] == c; };
  if (s.size() < 4 || !digits(s.substr(0, 4))) return std::nullopt;
  std::string out(s.substr(0, 4));
  if (s.size() == 4) return out;
  if (!at(4, '-') || s.size() < 7 || !digits(s.substr(5, 2))) return std::nullopt;
  out += s.substr(5, 2);
  if (s.size() == 7) return out;
  if (!at(7, '-') || s.size() < 10 || !digits(s.substr(8, 2))) return std::nullopt;
  out += s.substr(8, 2);
  if (s.size() == 10) return out;
  if (!at(10, 'T') || s.size() < 20 || !digits(s.substr(11, 2)) || !at(13, ':') || !digits(s.substr(14, 2)) ||
      !at(16, ':') || !digits(s.substr(17, 2)))
    return std::nullopt;
  for (const std::size_t at_digit : {11u, 14u, 17u}) out += s.substr(at_digit, 2);
  std::size_t i = 19;
  if (at(i, '.')) {
    std::size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i + 1) return std::nullopt;
    out += '.';
    out += s.substr(i + 1, std::min<std::size_t>(j - i - 1, 4));
    i = j;
  }
  if (at(i, 'Z') && i + 1 == s.size()) return out + "+0000";
  if ((at(i, '+') || at(i, '-')) && i + 6 == s.size() && digits(s.substr(i + 1, 2)) && at(i + 3, ':') &&
      digits(s.substr(i + 4, 2)))
    return out + std::string(s.substr(i, 3)) + std::string(s.substr(i + 4, 2));
  return std::nullopt;
}

std::string_view fhir_system_for(std::string_view coding_system) {
  for (const auto& [name, uri] : systems) {
    if (name == coding_system) return uri;
  }
  return {};
}

std::string_view coding_system_for(std::string_view fhir_system) {
  for (const auto& [name, uri] : systems) {
    if (uri == fhir_system) return name;
  }
  return {};
}

}  // namespace gateway::hl7v2
