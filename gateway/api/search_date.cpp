#include "gateway/api/search_date.hpp"

#include <cstdio>

namespace gateway::api {
namespace {

using namespace std::chrono;

// Reads exactly `n` digits at `pos`; advances pos.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool take(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// "Z", "+hh:mm", "-hh:mm" (or " hh:mm": an unencoded '+' in a query decodes to a space), or
// nothing (UTC). The offset east of UTC, or nullopt when malformed.
std::optional<minutes> zone(std::string_view text, std::size_t& pos) {
  if (pos == text.size()) return minutes{0};
  if (take(text, pos, 'Z')) return minutes{0};
  const char sign = text[pos];
  if (sign != '+' && sign != '-' && sign != ' ') return std::nullopt;
  ++pos;
  const auto h = digits(text, pos, 2);
  if (!h || !take(text, pos, ':')) return std::nullopt;
  const auto m = digits(text, pos, 2);
  if (!m || *h > 14 || *m > 59) return std::nullopt;
  const minutes offset = hours{*h} + minutes{*m};
  return sign == '-' ? -offset : offset;
}

}  // namespace

std::optional<instant_range> parse_search_date(std::string_view text) {
  std::size_t pos = 0;
  const auto y = digits(text, pos, 4);
  if (!y) return std::nullopt;
  const year yr{*y};
  if (pos == text.size()) {
    const instant_ms low = sys_days{yr / January / 1};
    return instant_range{low, instant_ms{sys_days{(yr + years{1}) / January / 1}} - milliseconds{1}};
  }
  if (!take(text, pos, '-')) return std::nullopt;
  const auto mo = digits(text, pos, 2);
  if (!mo || *mo < 1 || *mo > 12) return std::nullopt;
  const year_month ym{yr, month(static_cast<unsigned>(*mo))};
  if (pos == text.size()) {
    const instant_ms low = sys_days{ym / 1};
    return instant_range{low, instant_ms{sys_days{(ym + months{1}) / 1}} - milliseconds{1}};
  }
  if (!take(text, pos, '-')) return std::nullopt;
  const auto d = digits(text, pos, 2);
  if (!d) return std::nullopt;
  const year_month_day ymd{ym / day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  const sys_days date_start{ymd};
  if (pos == text.size()) return instant_range{date_start, instant_ms{date_start + days{1}} - milliseconds{1}};

  if (!take(text, pos, 'T')) return std::nullopt;
  const auto h = digits(text, pos, 2);
  if (!h || *h > 23 || !take(text, pos, ':')) return std::nullopt;
  const auto mi = digits(text, pos, 2);
  if (!mi || *mi > 59) return std::nullopt;
  instant_ms low = date_start + hours{*h} + minutes{*mi};
  milliseconds width = minutes{1};
  if (take(text, pos, ':')) {
    const auto s = digits(text, pos, 2);
    if (!s || *s > 59) return std::nullopt;
    low += seconds{*s};
    width = seconds{1};
    if (take(text, pos, '.')) {
      // Fractions beyond milliseconds narrow nothing the store can tell apart.
      int ms = 0;
      int scale = 100;
      std::size_t n = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (n < 3) ms += (text[pos] - '0') * scale;
        scale /= 10;
        ++n;
        ++pos;
      }
      if (n == 0 || n > 9) return std::nullopt;
      low += milliseconds{ms};
      width = milliseconds{n >= 3 ? 1 : (n == 2 ? 10 : 100)};
    }
  }
  const auto offset = zone(text, pos);
  if (!offset || pos != text.size()) return std::nullopt;
  low -= *offset;
  return instant_range{low, low + width - milliseconds{1}};
}

std::string narrow_by_date(std::string_view value, instant_bounds& bounds) {
  std::string_view prefix = "eq";
  if (value.size() >= 2 && value[0] >= 'a' && value[0] <= 'z') {
    prefix = value.substr(0, 2);
    value.remove_prefix(2);
  }
  if (prefix != "eq" && prefix != "ge" && prefix != "gt" && prefix != "le" && prefix != "lt") {
    return "the prefix '" + std::string(prefix) + "' is not supported (use eq, ge, gt, le or lt)";
  }
  const auto range = parse_search_date(value);
  if (!range)
    return "'" + std::string(value) +
           "' is not a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]][Z|+hh:mm])";
  auto raise_ge = [&](instant_ms t) { bounds.ge = bounds.ge ? std::max(*bounds.ge, t) : t; };
  auto lower_le = [&](instant_ms t) { bounds.le = bounds.le ? std::min(*bounds.le, t) : t; };
  if (prefix == "eq") {
    raise_ge(range->low);
    lower_le(range->high);
  } else if (prefix == "ge") {
    raise_ge(range->low);
  } else if (prefix == "gt") {
    raise_ge(range->high + milliseconds{1});
  } else if (prefix == "le") {
    lower_le(range->high);
  } else {
    lower_le(range->low - milliseconds{1});
  }
  return {};
}

std::string lower_bound_text(instant_ms t) {
  const auto day_start = floor<days>(t);
  const year_month_day ymd{day_start};
  const hh_mm_ss hms{t - day_start};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::string upper_bound_text(instant_ms t) {
  std::string text = lower_bound_text(t);
  if (text.size() == 24 && text.compare(19, 5, ".999Z") == 0) text.replace(19, 5, "Z");
  return text;
}

}  // namespace gateway::api
