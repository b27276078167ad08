#include "adapters/delivery/retry_after.hpp"

#include <array>
#include <cstdint>

namespace gateway::delivery {
namespace {

using namespace std::chrono;

constexpr seconds longest_wait = hours(24 * 365);

// A cursor over the text: each step consumes what it matched and fails otherwise.
class cursor {
 public:
  explicit cursor(std::string_view text) : rest_(text) {}

  bool literal(std::string_view s) {
    if (!rest_.starts_with(s)) return false;
    rest_.remove_prefix(s.size());
    return true;
  }

  // Exactly `n` digits.
  bool digits(int n, int& out) {
    if (rest_.size() < static_cast<std::size_t>(n)) return false;
    int value = 0;
    for (int i = 0; i < n; ++i) {
      const char c = rest_[static_cast<std::size_t>(i)];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    rest_.remove_prefix(static_cast<std::size_t>(n));
    out = value;
    return true;
  }

  // One of `names` (case-sensitive, as RFC 9110 says); its index.
  template <std::size_t N>
  bool one_of(const std::array<std::string_view, N>& names, int& index) {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

constexpr std::array<std::string_view, 7> short_days{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> long_days{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool time_of_day(cursor& c, int& h, int& m, int& s) {
  return c.digits(2, h) && c.literal(":") && c.digits(2, m) && c.literal(":") && c.digits(2, s) && h <= 23 && m <= 59 &&
         s <= 60;  // 60: a leap second, as RFC 9110 allows
}

std::optional<sys_seconds> make_time(int y, int mon, int d, int h, int m, int s) {
  const year_month_day date{year{y}, month{static_cast<unsigned>(mon + 1)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date} + hours{h} + minutes{m} + seconds{s};
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<sys_seconds> imf_fixdate(std::string_view text) {
  cursor c(text);
  int wd = 0, d = 0, mon = 0, y = 0, h = 0, m = 0, s = 0;
  if (c.one_of(short_days, wd) && c.literal(", ") && c.digits(2, d) && c.literal(" ") && c.one_of(months, mon) &&
      c.literal(" ") && c.digits(4, y) && c.literal(" ") && time_of_day(c, h, m, s) && c.literal(" GMT") && c.done()) {
    return make_time(y, mon, d, h, m, s);
  }
  return std::nullopt;
}

// RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<sys_seconds> rfc850_date(std::string_view text) {
  cursor c(text);
  int wd = 0, d = 0, mon = 0, yy = 0, h = 0, m = 0, s = 0;
  if (c.one_of(long_days, wd) && c.literal(", ") && c.digits(2, d) && c.literal("-") && c.one_of(months, mon) &&
      c.literal("-") && c.digits(2, yy) && c.literal(" ") && time_of_day(c, h, m, s) && c.literal(" GMT") && c.done()) {
    // Two-digit years: RFC 9110 asks for the most recent past year with those digits; a receiver
    // sending this form today means 20yy.
    return make_time(yy < 70 ? 2000 + yy : 1900 + yy, mon, d, h, m, s);
  }
  return std::nullopt;
}

// asctime: "Sun Nov  6 08:49:37 1994"
std::optional<sys_seconds> asctime_date(std::string_view text) {
  cursor c(text);
  int wd = 0, d = 0, mon = 0, y = 0, h = 0, m = 0, s = 0;
  if (!(c.one_of(short_days, wd) && c.literal(" ") && c.one_of(months, mon) && c.literal(" "))) return std::nullopt;
  if (!(c.literal(" ") ? c.digits(1, d) : c.digits(2, d))) return std::nullopt;
  if (c.literal(" ") && time_of_day(c, h, m, s) && c.literal(" ") && c.digits(4, y) && c.done()) {
    return make_time(y, mon, d, h, m, s);
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<sys_seconds> parse_http_date(std::string_view text) {
  if (auto t = imf_fixdate(text)) return t;
  if (auto t = rfc850_date(text)) return t;
  return asctime_date(text);
}

std::optional<seconds> parse_retry_after(std::string_view value, system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    std::int64_t n = 0;
    for (const char c : value) {
      n = n * 10 + (c - '0');
      if (n > longest_wait.count()) return longest_wait;
    }
    return seconds{n};
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  if (*date <= now) return seconds{0};
  const auto wait = ceil<seconds>(*date - now);
  return wait > longest_wait ? longest_wait : wait;
}

}  // namespace gateway::delivery
