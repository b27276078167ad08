// System values, equality, equivalence, ordering and type tests for the FHIRPath evaluator.

#include "fhir/fhirpath/values.hpp"
#include "fhir/model.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace fhir::fhirpath {

bool system_value(const model& m, const item& in, item& out) {
  if (in.kind != item_kind::node) {
    out = in;
    return true;
  }
  const rapidjson::Value* v = in.json;
  if (v == nullptr) return false;
  primitive_kind p = primitive_kind::none;
  if (in.type != no_type) {
    const type_def& t = m.type(in.type);
    if (t.kind != type_kind::primitive) return false;
    p = t.primitive;
  }
  out = item{};
  switch (p) {
    case primitive_kind::boolean:
      if (!v->IsBool()) return false;
      out.kind = item_kind::boolean;
      out.boolean = v->GetBool();
      return true;
    case primitive_kind::integer:
    case primitive_kind::unsigned_int:
    case primitive_kind::positive_int:
      if (!v->IsInt64()) return false;
      out.kind = item_kind::integer;
      out.integer = v->GetInt64();
      return true;
    case primitive_kind::decimal:
      if (!v->IsNumber()) return false;
      out.kind = item_kind::decimal;
      out.decimal = v->GetDouble();
      return true;
    case primitive_kind::date:
      out.kind = item_kind::date;
      break;
    case primitive_kind::date_time:
    case primitive_kind::instant:
      out.kind = item_kind::date_time;
      break;
    case primitive_kind::time:
      out.kind = item_kind::time;
      break;
    case primitive_kind::none:
      if (v->IsBool()) return system_value(m, item::of_bool(v->GetBool()), out);
      if (v->IsInt64()) {
        out.kind = item_kind::integer;
        out.integer = v->GetInt64();
        return true;
      }
      if (v->IsNumber()) {
        out.kind = item_kind::decimal;
        out.decimal = v->GetDouble();
        return true;
      }
      out.kind = item_kind::string;
      break;
    default:
      out.kind = item_kind::string;
      break;
  }
  if (!v->IsString()) return false;
  out.text = std::string_view(v->GetString(), v->GetStringLength());
  return true;
}

namespace detail {
namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

bool parse_time_part(std::string_view s, std::size_t& i, moment& out, int first) {
  if (!digits(s, i, 2, out.part[first])) return false;
  i += 2;
  out.precision = first + 1;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2, out.part[first + 1])) return false;
    i += 3;
    out.precision = first + 2;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, out.part[first + 2])) return false;
      i += 3;
      out.precision = first + 3;
      if (i < s.size() && s[i] == '.') {
        std::size_t j = i + 1;
        int ms = 0, n = 0;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
          if (n < 3) ms = ms * 10 + (s[j] - '0');
          ++n;
          ++j;
        }
        if (n == 0) return false;
        while (n < 3) {
          ms *= 10;
          ++n;
        }
        out.part[first + 3] = ms;
        i = j;
      }
      out.precision = first + 4;  // seconds and milliseconds are one precision
    }
  }
  return true;
}

}  // namespace

bool parse_moment(std::string_view s, bool time_only, moment& out) {
  out = moment{};
  out.time_only = time_only;
  std::size_t i = 0;
  if (time_only) {
    if (!parse_time_part(s, i, out, 0)) return false;
    return i == s.size();
  }
  if (!digits(s, 0, 4, out.part[0])) return false;
  out.precision = 1;
  i = 4;
  if (i < s.size() && s[i] == '-') {
    if (!digits(s, i + 1, 2, out.part[1])) return false;
    out.precision = 2;
    i += 3;
    if (i < s.size() && s[i] == '-') {
      if (!digits(s, i + 1, 2, out.part[2])) return false;
      out.precision = 3;
      i += 3;
    }
  }
  if (i < s.size() && s[i] == 'T') {
    ++i;
    if (i == s.size()) return true;
    if (!parse_time_part(s, i, out, 3)) return false;
  }
  if (i < s.size()) {
    if (s[i] == 'Z') {
      out.has_zone = true;
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int h = 0, mi = 0;
      if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, mi)) return false;
      out.has_zone = true;
      out.zone_minutes = (s[i] == '-' ? -1 : 1) * (h * 60 + mi);
      i += 6;
    }
  }
  return i == s.size();
}

std::optional<int> compare_moments(const moment& a, const moment& b) {
  if (a.time_only != b.time_only) return std::nullopt;
  moment x = a, y = b;
  // Times with zones compare on the same clock: shift to UTC minutes when both have a zone and
  // both go down to minutes.
  if (!a.time_only && a.has_zone && b.has_zone && a.precision >= 5 && b.precision >= 5) {
    auto minutes = [](const moment& t) {
      return days_from_civil(t.part[0], static_cast<unsigned>(t.part[1]), static_cast<unsigned>(t.part[2])) * 1440L +
             t.part[3] * 60L + t.part[4] - t.zone_minutes;
    };
    const long ma = minutes(a), mb = minutes(b);
    if (ma != mb) return ma < mb ? -1 : 1;
    for (int k = 5; k < 7; ++k) {
      if (k >= std::min(a.precision, b.precision)) break;
      if (x.part[k] != y.part[k]) return x.part[k] < y.part[k] ? -1 : 1;
    }
    if (a.precision != b.precision) return std::nullopt;
    return 0;
  }
  const int common = std::min(x.precision, y.precision);
  for (int k = 0; k < common; ++k) {
    if (x.part[k] != y.part[k]) return x.part[k] < y.part[k] ? -1 : 1;
  }
  if (x.precision != y.precision) return std::nullopt;
  return 0;
}

bool quantity_of(const model& m, const item& in, double& value, std::string_view& unit) {
  if (in.kind == item_kind::quantity) {
    value = in.decimal;
    unit = in.text;
    return true;
  }
  if (in.kind != item_kind::node || in.json == nullptr || !in.json->IsObject() || in.type == no_type) return false;
  if (!m.type(in.type).is_quantity) return false;
  auto v = in.json->FindMember("value");
  if (v == in.json->MemberEnd() || !v->value.IsNumber()) return false;
  value = v->value.GetDouble();
  auto code = in.json->FindMember("code");
  if (code == in.json->MemberEnd()) code = in.json->FindMember("unit");
  unit = code != in.json->MemberEnd() && code->value.IsString()
             ? std::string_view(code->value.GetString(), code->value.GetStringLength())
             : std::string_view{};
  return true;
}

namespace {

bool numeric(const item& i, double& d) {
  if (i.kind == item_kind::integer) {
    d = static_cast<double>(i.integer);
    return true;
  }
  if (i.kind == item_kind::decimal) {
    d = i.decimal;
    return true;
  }
  return false;
}

bool is_temporal(item_kind k) {
  return k == item_kind::date || k == item_kind::date_time || k == item_kind::time;
}

std::optional<int> compare_temporal(const item& a, const item& b) {
  moment x, y;
  if (!parse_moment(a.text, a.kind == item_kind::time, x) || !parse_moment(b.text, b.kind == item_kind::time, y)) {
    return std::nullopt;
  }
  return compare_moments(x, y);
}

}  // namespace

tri equal(const model& m, const item& a, const item& b) {
  if (a.kind == item_kind::string && b.kind == item_kind::string) return a.text == b.text ? tri::yes : tri::no;
  if (a.kind == item_kind::node && b.kind == item_kind::node) {
    const bool pa = a.type != no_type && m.type(a.type).kind == type_kind::primitive;
    const bool pb = b.type != no_type && m.type(b.type).kind == type_kind::primitive;
    if (!pa && !pb) {
      if (a.json == b.json) return tri::yes;
      if (a.json == nullptr || b.json == nullptr) return tri::no;
      return *a.json == *b.json ? tri::yes : tri::no;
    }
  }
  double qa = 0, qb = 0;
  std::string_view ua, ub;
  if (quantity_of(m, a, qa, ua) && quantity_of(m, b, qb, ub)) {
    if (ua != ub) return tri::unknown;
    return qa == qb ? tri::yes : tri::no;
  }
  item x, y;
  if (!system_value(m, a, x) || !system_value(m, b, y)) return tri::no;
  double dx = 0, dy = 0;
  if (numeric(x, dx) && numeric(y, dy)) return dx == dy ? tri::yes : tri::no;
  if (is_temporal(x.kind) && is_temporal(y.kind)) {
    // Date and DateTime compare as DateTime (an R4 date is a DateTime of day precision).
    if ((x.kind == item_kind::time) != (y.kind == item_kind::time)) return tri::no;
    auto c = compare_temporal(x, y);
    if (!c) return tri::unknown;
    return *c == 0 ? tri::yes : tri::no;
  }
  if (x.kind != y.kind) return tri::no;
  switch (x.kind) {
    case item_kind::boolean:
      return x.boolean == y.boolean ? tri::yes : tri::no;
    case item_kind::string:
      return x.text == y.text ? tri::yes : tri::no;
    default:
      return tri::no;
  }
}

bool equivalent(const model& m, const item& a, const item& b) {
  item x, y;
  if (system_value(m, a, x) && system_value(m, b, y) && x.kind == item_kind::string && y.kind == item_kind::string) {
    // Case-insensitive, whitespace-normalised.
    auto norm_next = [](std::string_view s, std::size_t& i) -> int {
      if (i >= s.size()) return -1;
      unsigned char c = static_cast<unsigned char>(s[i++]);
      if (std::isspace(c)) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        return ' ';
      }
      return std::tolower(c);
    };
    std::size_t i = 0, j = 0;
    for (;;) {
      int c1 = norm_next(x.text, i), c2 = norm_next(y.text, j);
      if (c1 != c2) return false;
      if (c1 < 0) return true;
    }
  }
  if (system_value(m, a, x) && system_value(m, b, y)) {
    double dx = 0, dy = 0;
    if (numeric(x, dx) && numeric(y, dy)) return std::fabs(dx - dy) < 1e-8 * std::max(1.0, std::fabs(dx));
    if (is_temporal(x.kind) && is_temporal(y.kind)) {
      auto c = compare_temporal(x, y);
      return c && *c == 0;
    }
  }
  return equal(m, a, b) == tri::yes;
}

std::optional<int> compare(const model& m, const item& a, const item& b, bool& incomparable) {
  incomparable = false;
  double qa = 0, qb = 0;
  std::string_view ua, ub;
  const bool a_quantity = quantity_of(m, a, qa, ua), b_quantity = quantity_of(m, b, qb, ub);
  if (a_quantity || b_quantity) {
    if (!(a_quantity && b_quantity) || ua != ub) return std::nullopt;
    return qa < qb ? -1 : qa > qb ? 1 : 0;
  }
  item x, y;
  if (!system_value(m, a, x) || !system_value(m, b, y)) return std::nullopt;
  double dx = 0, dy = 0;
  if (numeric(x, dx) && numeric(y, dy)) return dx < dy ? -1 : dx > dy ? 1 : 0;
  if (is_temporal(x.kind) && is_temporal(y.kind)) return compare_temporal(x, y);
  if (x.kind == item_kind::string && y.kind == item_kind::string) {
    const int c = x.text.compare(y.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  incomparable = true;
  return std::nullopt;
}

std::string_view type_name(const model& m, const item& i) {
  switch (i.kind) {
    case item_kind::boolean:
      return "Boolean";
    case item_kind::integer:
      return "Integer";
    case item_kind::decimal:
      return "Decimal";
    case item_kind::string:
      return "String";
    case item_kind::date:
      return "Date";
    case item_kind::date_time:
      return "DateTime";
    case item_kind::time:
      return "Time";
    case item_kind::quantity:
      return "Quantity";
    case item_kind::node:
      break;
  }
  if (i.type == no_type) return {};
  return m.type(i.type).name;
}

bool is_type(const model& m, const item& i, std::string_view name) {
  if (i.kind != item_kind::node) {
    const std::string_view own = type_name(m, i);
    if (own == name) return true;
    // Lenient about case for the System primitives written in FHIR style ("boolean").
    return own.size() == name.size() && !own.empty() &&
           std::tolower(static_cast<unsigned char>(own[0])) == std::tolower(static_cast<unsigned char>(name[0])) &&
           own.substr(1) == name.substr(1);
  }
  if (i.type == no_type) return false;
  for (std::string_view n : m.type(i.type).answers_to) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace detail
}  // namespace fhir::fhirpath
