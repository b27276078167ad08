#include "gateway/core/fhir_time.hpp"

#include <cstdio>

namespace gateway::core {
namespace {

// Reads exactly n ASCII digits at text[pos...]; nullopt on anything else.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<date> date_prefix(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = digits(text, 0, 4);
  const auto m = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  const date result{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                    std::chrono::day{static_cast<unsigned>(*d)}};
  if (!result.ok()) return std::nullopt;  // 2023-02-30 and friends
  return result;
}

}  // namespace

std::optional<date> parse_fhir_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return date_prefix(text);
}

std::optional<instant> parse_fhir_date_time(std::string_view text) {
  const auto day = date_prefix(text);
  if (!day) return std::nullopt;
  const instant midnight{std::chrono::sys_days{*day}};
  if (text.size() == 10) return midnight;
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  const auto hh = digits(text, 11, 2);
  const auto mm = digits(text, 14, 2);
  const auto ss = digits(text, 17, 2);
  if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  std::size_t pos = 19;
  if (text[pos] == '.') {  // fractional seconds: at least one digit, ignored for ordering
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == first) return std::nullopt;
  }
  std::chrono::seconds offset{0};
  const std::string_view zone = text.substr(pos);
  if (zone == "Z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const auto oh = digits(zone, 1, 2);
    const auto om = digits(zone, 4, 2);
    if (!oh || !om || *oh > 14 || *om > 59) return std::nullopt;
    offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
    if (zone[0] == '-') offset = -offset;
  } else {
    return std::nullopt;  // FHIR requires a zone when a time is given
  }
  return midnight + std::chrono::hours{*hh} + std::chrono::minutes{*mm} + std::chrono::seconds{*ss} - offset;
}

std::string format_date(date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::string format_instant(instant t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss time{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_date(date{day}).c_str(),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

int age_in_years(date birth, date on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  const auto birthday_passed =
      std::chrono::month_day{on.month(), on.day()} >= std::chrono::month_day{birth.month(), birth.day()};
  if (!birthday_passed) --years;
  return years < 0 ? 0 : years;
}

}  // namespace gateway::core
