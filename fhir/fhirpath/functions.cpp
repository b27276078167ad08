// FHIRPath functions (the N1 function list and the FHIR additions the R4 invariants use:
// extension(), hasValue(), resolve(), htmlChecks()).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <unordered_map>

#include <boost/regex.hpp>

#include "fhir/fhirpath/machine.hpp"
#include "fhir/fhirpath/values.hpp"
#include "fhir/model.hpp"

namespace fhir::fhirpath::detail {
namespace {

bool contains_item(const model& m, std::span<const item> c, const item& x) {
  for (const item& i : c) {
    if (equal(m, i, x) == tri::yes) return true;
  }
  return false;
}

void distinct_into(const model& m, std::span<const item> in, collection& out) {
  for (const item& i : in) {
    if (!contains_item(m, out, i)) out.push_back(i);
  }
}

// Compiled regular expressions, per thread (patterns come from the definitions, so few).
const boost::regex* regex_for(std::string_view pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<boost::regex>> cache;
  std::string key(pattern);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<boost::regex> re;
  try {
    re = std::make_unique<boost::regex>(key, boost::regex::ECMAScript);
  } catch (const std::exception&) {
    re = nullptr;
  }
  if (cache.size() > 256) cache.clear();  // bounded: hostile expressions cannot grow it
  return cache.emplace(std::move(key), std::move(re)).first->second.get();
}

bool string_of(const model& m, const item& in, std::string& out) {
  item v;
  if (!system_value(m, in, v)) return false;
  char buf[64];
  switch (v.kind) {
    case item_kind::string:
    case item_kind::date:
    case item_kind::date_time:
    case item_kind::time:
      out.assign(v.text);
      return true;
    case item_kind::boolean:
      out = v.boolean ? "true" : "false";
      return true;
    case item_kind::integer:
      out = std::to_string(v.integer);
      return true;
    case item_kind::decimal: {
      if (!v.text.empty()) {
        out.assign(v.text);
        return true;
      }
      if (v.decimal == std::floor(v.decimal) && std::fabs(v.decimal) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.1f", v.decimal);
      } else {
        std::snprintf(buf, sizeof buf, "%.15g", v.decimal);
      }
      out = buf;
      return true;
    }
    case item_kind::quantity: {
      std::snprintf(buf, sizeof buf, "%.15g", v.decimal);
      out = buf;
      out.append(" '").append(v.text).append("'");
      return true;
    }
    case item_kind::node:
      return false;
  }
  return false;
}

}  // namespace

void machine::call(const node& n, std::span<const item> input, collection& out) {
  const model& md = m();
  auto need_args = [&](std::uint32_t lo, std::uint32_t hi) {
    if (n.arg_count < lo || n.arg_count > hi) fail("wrong number of arguments");
  };
  auto input_string = [&]() -> std::optional<std::string_view> { return single_string(input, "a string function"); };
  auto arg_string = [&](std::uint32_t k) -> std::optional<std::string_view> {
    scoped_collection a(*this);
    eval_arg(n, k, *a);
    auto s = single_string(*a, "a string argument");
    if (!s) return std::nullopt;
    std::string& copy = scratch_string();  // the argument's collection goes back to the pool
    copy.assign(*s);
    return std::string_view(copy);
  };
  auto arg_integer = [&](std::uint32_t k) -> std::optional<std::int64_t> {
    scoped_collection a(*this);
    eval_arg(n, k, *a);
    return single_integer(*a, "an integer argument");
  };
  auto push_bool = [&](bool b) { out.push_back(item::of_bool(b)); };

  switch (n.function) {
    // ---- existence ----
    case fn::empty:
      need_args(0, 0);
      return push_bool(input.empty());
    case fn::exists:
      need_args(0, 1);
      if (n.arg_count == 0) return push_bool(!input.empty());
      [[fallthrough]];
    case fn::where: {
      need_args(1, 1);
      bool any = false;
      for (std::size_t k = 0; k < input.size(); ++k) {
        scoped_collection c(*this);
        eval_arg_on(n, 0, input[k], static_cast<std::int64_t>(k), *c);
        if (truth(*c, "a criteria") == true) {
          any = true;
          if (n.function == fn::exists) break;
          out.push_back(input[k]);
        }
      }
      if (n.function == fn::exists) push_bool(any);
      return;
    }
    case fn::all: {
      need_args(1, 1);
      for (std::size_t k = 0; k < input.size(); ++k) {
        scoped_collection c(*this);
        eval_arg_on(n, 0, input[k], static_cast<std::int64_t>(k), *c);
        if (truth(*c, "all()") != true) return push_bool(false);
      }
      return push_bool(true);
    }
    case fn::all_true:
    case fn::any_true:
    case fn::all_false:
    case fn::any_false: {
      need_args(0, 0);
      const bool want = n.function == fn::all_true || n.function == fn::any_true;
      const bool all = n.function == fn::all_true || n.function == fn::all_false;
      bool any_match = false, all_match = true;
      for (const item& i : input) {
        item v;
        const bool is_bool = system_value(md, i, v) && v.kind == item_kind::boolean;
        const bool match = is_bool && v.boolean == want;
        any_match = any_match || match;
        all_match = all_match && match;
      }
      return push_bool(all ? all_match : any_match);
    }
    case fn::subset_of:
    case fn::superset_of: {
      need_args(1, 1);
      scoped_collection other(*this);
      eval_arg(n, 0, *other);
      const std::span<const item> small = n.function == fn::subset_of ? input : std::span<const item>(*other);
      const std::span<const item> big = n.function == fn::subset_of ? std::span<const item>(*other) : input;
      for (const item& i : small) {
        if (!contains_item(md, big, i)) return push_bool(false);
      }
      return push_bool(true);
    }
    case fn::count:
      need_args(0, 0);
      out.push_back(item::of_integer(static_cast<std::int64_t>(input.size())));
      return;
    case fn::distinct:
      need_args(0, 0);
      distinct_into(md, input, out);
      return;
    case fn::is_distinct: {
      need_args(0, 0);
      scoped_collection d(*this);
      distinct_into(md, input, *d);
      return push_bool(d->size() == input.size());
    }
    // ---- filtering and projection ----
    case fn::select: {
      need_args(1, 1);
      for (std::size_t k = 0; k < input.size(); ++k) eval_arg_on(n, 0, input[k], static_cast<std::int64_t>(k), out);
      return;
    }
    case fn::repeat: {
      need_args(1, 1);
      const std::size_t start = out.size();
      for (std::size_t k = 0; k < input.size(); ++k) eval_arg_on(n, 0, input[k], static_cast<std::int64_t>(k), out);
      for (std::size_t k = start; k < out.size(); ++k) {
        const item cur = out[k];
        scoped_collection more(*this);
        eval_arg_on(n, 0, cur, static_cast<std::int64_t>(k), *more);
        for (const item& i : *more) {
          if (!contains_item(md, std::span<const item>(out.data() + start, out.size() - start), i)) out.push_back(i);
        }
      }
      return;
    }
    case fn::of_type: {
      need_args(1, 1);
      const std::string_view t = type_arg(n, 0);
      for (const item& i : input) {
        if (is_type(md, i, t)) out.push_back(i);
      }
      return;
    }
    case fn::is:
    case fn::as: {
      need_args(1, 1);
      const std::string_view t = type_arg(n, 0);
      // R4 invariants apply as() to collections (dom-3: descendants().as(canonical)); filter.
      if (n.function == fn::as) {
        for (const item& i : input) {
          if (is_type(md, i, t)) out.push_back(i);
        }
        return;
      }
      const item* i = single(input, "is()");
      if (i) push_bool(is_type(md, *i, t));
      return;
    }
    // ---- subsetting ----
    case fn::single:
      need_args(0, 0);
      if (input.size() > 1) fail("single() on a collection of " + std::to_string(input.size()) + " items");
      out.insert(out.end(), input.begin(), input.end());
      return;
    case fn::first:
      need_args(0, 0);
      if (!input.empty()) out.push_back(input.front());
      return;
    case fn::last:
      need_args(0, 0);
      if (!input.empty()) out.push_back(input.back());
      return;
    case fn::tail:
      need_args(0, 0);
      if (input.size() > 1) out.insert(out.end(), input.begin() + 1, input.end());
      return;
    case fn::skip:
    case fn::take: {
      need_args(1, 1);
      const auto k = arg_integer(0);
      if (!k) return;
      const std::size_t num =
          static_cast<std::size_t>(std::clamp<std::int64_t>(*k, 0, static_cast<std::int64_t>(input.size())));
      if (n.function == fn::skip) {
        out.insert(out.end(), input.begin() + static_cast<std::ptrdiff_t>(num), input.end());
      } else {
        out.insert(out.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(num));
      }
      return;
    }
    case fn::intersect:
    case fn::exclude: {
      need_args(1, 1);
      scoped_collection other(*this);
      eval_arg(n, 0, *other);
      for (const item& i : input) {
        const bool in_other = contains_item(md, *other, i);
        if (n.function == fn::intersect) {
          if (in_other && !contains_item(md, out, i)) out.push_back(i);
        } else if (!in_other) {
          out.push_back(i);
        }
      }
      return;
    }
    case fn::union_:
    case fn::combine: {
      need_args(1, 1);
      scoped_collection other(*this);
      eval_arg(n, 0, *other);
      if (n.function == fn::combine) {
        out.insert(out.end(), input.begin(), input.end());
        out.insert(out.end(), other->begin(), other->end());
      } else {
        distinct_into(md, input, out);
        distinct_into(md, *other, out);
      }
      return;
    }
    // ---- conversion ----
    case fn::iif: {
      need_args(2, 3);
      // The criterion and results see the input collection as $this.
      const frame saved = current();
      current().this_ = input;
      std::optional<bool> c;
      {
        scoped_collection crit(*this);
        eval_arg(n, 0, *crit);
        c = truth(*crit, "iif()");
      }
      if (c == true) {
        eval_arg(n, 1, out);
      } else if (n.arg_count == 3) {
        eval_arg(n, 2, out);
      }
      current() = saved;
      return;
    }
    case fn::to_boolean:
    case fn::converts_to_boolean: {
      need_args(0, 0);
      const item* i = single(input, "toBoolean()");
      if (!i) return;
      item v;
      std::optional<bool> b;
      if (system_value(md, *i, v)) {
        if (v.kind == item_kind::boolean) b = v.boolean;
        if (v.kind == item_kind::integer && (v.integer == 0 || v.integer == 1)) b = v.integer == 1;
        if (v.kind == item_kind::decimal && (v.decimal == 0 || v.decimal == 1)) b = v.decimal == 1;
        if (v.kind == item_kind::string) {
          std::string l(v.text);
          for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          if (l == "true" || l == "t" || l == "yes" || l == "y" || l == "1" || l == "1.0") b = true;
          if (l == "false" || l == "f" || l == "no" || l == "n" || l == "0" || l == "0.0") b = false;
        }
      }
      if (n.function == fn::converts_to_boolean) return push_bool(b.has_value());
      if (b) push_bool(*b);
      return;
    }
    case fn::to_integer:
    case fn::converts_to_integer: {
      need_args(0, 0);
      const item* i = single(input, "toInteger()");
      if (!i) return;
      item v;
      std::optional<std::int64_t> r;
      if (system_value(md, *i, v)) {
        if (v.kind == item_kind::integer) r = v.integer;
        if (v.kind == item_kind::boolean) r = v.boolean ? 1 : 0;
        if (v.kind == item_kind::string) {
          std::string_view s = v.text;
          std::size_t k = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
          bool ok = k < s.size() && s.size() - k <= 18;
          for (std::size_t j = k; j < s.size() && ok; ++j) ok = std::isdigit(static_cast<unsigned char>(s[j])) != 0;
          if (ok) r = std::strtoll(std::string(s).c_str(), nullptr, 10);
        }
      }
      if (n.function == fn::converts_to_integer) return push_bool(r.has_value());
      if (r) out.push_back(item::of_integer(*r));
      return;
    }
    case fn::to_decimal:
    case fn::converts_to_decimal: {
      need_args(0, 0);
      const item* i = single(input, "toDecimal()");
      if (!i) return;
      item v;
      std::optional<double> r;
      if (system_value(md, *i, v)) {
        if (v.kind == item_kind::integer) r = static_cast<double>(v.integer);
        if (v.kind == item_kind::decimal) r = v.decimal;
        if (v.kind == item_kind::boolean) r = v.boolean ? 1.0 : 0.0;
        if (v.kind == item_kind::string && !v.text.empty() && v.text.size() < 64) {
          std::string s(v.text);
          char* end = nullptr;
          const double d = std::strtod(s.c_str(), &end);
          if (end && *end == '\0' && std::isfinite(d) && s.find_first_of("xXeEnN") == std::string::npos) r = d;
        }
      }
      if (n.function == fn::converts_to_decimal) return push_bool(r.has_value());
      if (r) {
        item d;
        d.kind = item_kind::decimal;
        d.decimal = *r;
        out.push_back(d);
      }
      return;
    }
    case fn::to_string:
    case fn::converts_to_string: {
      need_args(0, 0);
      const item* i = single(input, "toString()");
      if (!i) return;
      std::string& s = scratch_string();
      const bool ok = string_of(md, *i, s);
      if (n.function == fn::converts_to_string) return push_bool(ok);
      if (ok) out.push_back(item::of_string(s));
      return;
    }
    case fn::to_date:
    case fn::converts_to_date:
    case fn::to_date_time:
    case fn::converts_to_date_time:
    case fn::to_time:
    case fn::converts_to_time: {
      need_args(0, 0);
      const item* i = single(input, "a date conversion");
      if (!i) return;
      const bool time = n.function == fn::to_time || n.function == fn::converts_to_time;
      const bool date = n.function == fn::to_date || n.function == fn::converts_to_date;
      const bool converts = n.function == fn::converts_to_date || n.function == fn::converts_to_date_time ||
                            n.function == fn::converts_to_time;
      item v;
      bool ok = false;
      if (system_value(md, *i, v) && v.kind != item_kind::node) {
        moment mo;
        ok = (v.kind == item_kind::string || v.kind == item_kind::date || v.kind == item_kind::date_time ||
              v.kind == item_kind::time) &&
             parse_moment(v.text, time, mo) && (!date || mo.precision <= 3);
      }
      if (converts) return push_bool(ok);
      if (ok) {
        v.kind = time ? item_kind::time : date ? item_kind::date : item_kind::date_time;
        out.push_back(v);
      }
      return;
    }
    case fn::to_quantity:
    case fn::converts_to_quantity: {
      need_args(0, 1);
      const item* i = single(input, "toQuantity()");
      if (!i) return;
      double value = 0;
      std::string_view unit;
      item v;
      bool ok = quantity_of(md, *i, value, unit);
      if (!ok && system_value(md, *i, v)) {
        if (v.kind == item_kind::integer || v.kind == item_kind::decimal) {
          value = v.kind == item_kind::integer ? static_cast<double>(v.integer) : v.decimal;
          unit = "1";
          ok = true;
        }
      }
      if (n.function == fn::converts_to_quantity) return push_bool(ok);
      if (ok) {
        item q;
        q.kind = item_kind::quantity;
        q.decimal = value;
        q.text = unit;
        out.push_back(q);
      }
      return;
    }
    // ---- strings ----
    case fn::index_of:
    case fn::starts_with:
    case fn::ends_with:
    case fn::contains: {
      need_args(1, 1);
      const auto s = input_string();
      const auto a = arg_string(0);
      if (!s || !a) return;
      if (n.function == fn::index_of) {
        const auto p = s->find(*a);
        out.push_back(item::of_integer(p == std::string_view::npos ? -1 : static_cast<std::int64_t>(p)));
      } else if (n.function == fn::starts_with) {
        push_bool(s->substr(0, a->size()) == *a);
      } else if (n.function == fn::ends_with) {
        push_bool(s->size() >= a->size() && s->substr(s->size() - a->size()) == *a);
      } else {
        push_bool(s->find(*a) != std::string_view::npos);
      }
      return;
    }
    case fn::substring: {
      need_args(1, 2);
      const auto s = input_string();
      const auto start = arg_integer(0);
      if (!s || !start) return;
      if (*start < 0 || static_cast<std::size_t>(*start) >= s->size()) return;
      std::size_t len = std::string_view::npos;
      if (n.arg_count == 2) {
        const auto l = arg_integer(1);
        if (!l) return;
        len = static_cast<std::size_t>(std::max<std::int64_t>(0, *l));
      }
      out.push_back(item::of_string(s->substr(static_cast<std::size_t>(*start), len)));
      return;
    }
    case fn::upper:
    case fn::lower: {
      need_args(0, 0);
      const auto s = input_string();
      if (!s) return;
      std::string& r = scratch_string();
      r.assign(*s);
      for (char& ch : r) {
        ch = static_cast<char>(n.function == fn::upper ? std::toupper(static_cast<unsigned char>(ch))
                                                       : std::tolower(static_cast<unsigned char>(ch)));
      }
      out.push_back(item::of_string(r));
      return;
    }
    case fn::replace: {
      need_args(2, 2);
      const auto s = input_string();
      const auto pattern = arg_string(0);
      const auto with = arg_string(1);
      if (!s || !pattern || !with) return;
      std::string& r = scratch_string();
      if (pattern->empty()) {
        r.assign(*s);
      } else {
        std::size_t at = 0;
        for (auto p = s->find(*pattern); p != std::string_view::npos; p = s->find(*pattern, at)) {
          r.append(s->substr(at, p - at)).append(*with);
          at = p + pattern->size();
        }
        r.append(s->substr(at));
      }
      out.push_back(item::of_string(r));
      return;
    }
    case fn::matches:
    case fn::replace_matches: {
      need_args(n.function == fn::matches ? 1 : 2, n.function == fn::matches ? 1 : 2);
      const auto s = input_string();
      const auto pattern = arg_string(0);
      if (!s || !pattern) return;
      const boost::regex* re = regex_for(*pattern);
      if (!re) fail("invalid regular expression");
      try {
        if (n.function == fn::matches) {
          push_bool(boost::regex_search(s->begin(), s->end(), *re));
        } else {
          const auto with = arg_string(1);
          if (!with) return;
          std::string& r = scratch_string();
          r = boost::regex_replace(std::string(*s), *re, std::string(*with));
          out.push_back(item::of_string(r));
        }
      } catch (const std::exception&) {
        fail("regular expression too complex for this input");
      }
      return;
    }
    case fn::length: {
      need_args(0, 0);
      const auto s = input_string();
      if (s) out.push_back(item::of_integer(static_cast<std::int64_t>(s->size())));
      return;
    }
    case fn::to_chars: {
      need_args(0, 0);
      const auto s = input_string();
      if (!s) return;
      for (std::size_t k = 0; k < s->size(); ++k) out.push_back(item::of_string(s->substr(k, 1)));
      return;
    }
    // ---- math ----
    case fn::abs:
    case fn::ceiling:
    case fn::exp:
    case fn::floor:
    case fn::ln:
    case fn::log:
    case fn::power:
    case fn::round:
    case fn::sqrt:
    case fn::truncate: {
      const item* i = single(input, "a math function");
      if (!i) return;
      item v;
      if (!system_value(md, *i, v)) return;
      if (v.kind == item_kind::quantity && n.function == fn::abs) {
        v.decimal = std::fabs(v.decimal);
        out.push_back(v);
        return;
      }
      if (v.kind != item_kind::integer && v.kind != item_kind::decimal) fail("a math function needs a number");
      const double x = v.kind == item_kind::integer ? static_cast<double>(v.integer) : v.decimal;
      double r = 0;
      bool integer_result = false;
      switch (n.function) {
        case fn::abs:
          r = std::fabs(x);
          integer_result = v.kind == item_kind::integer;
          break;
        case fn::ceiling:
          r = std::ceil(x), integer_result = true;
          break;
        case fn::floor:
          r = std::floor(x), integer_result = true;
          break;
        case fn::truncate:
          r = std::trunc(x), integer_result = true;
          break;
        case fn::exp:
          r = std::exp(x);
          break;
        case fn::ln:
          r = std::log(x);
          break;
        case fn::sqrt:
          r = std::sqrt(x);
          break;
        case fn::log:
        case fn::power: {
          need_args(1, 1);
          scoped_collection a(*this);
          eval_arg(n, 0, *a);
          const item* ai = single(*a, "a math argument");
          item av;
          if (!ai || !system_value(md, *ai, av)) return;
          if (av.kind != item_kind::integer && av.kind != item_kind::decimal) fail("a math function needs a number");
          const double y = av.kind == item_kind::integer ? static_cast<double>(av.integer) : av.decimal;
          r = n.function == fn::log ? std::log(x) / std::log(y) : std::pow(x, y);
          integer_result =
              n.function == fn::power && v.kind == item_kind::integer && av.kind == item_kind::integer && y >= 0;
          break;
        }
        case fn::round: {
          std::int64_t digits = 0;
          if (n.arg_count == 1) {
            const auto d = arg_integer(0);
            if (!d) return;
            digits = std::clamp<std::int64_t>(*d, 0, 15);
          }
          const double f = std::pow(10.0, static_cast<double>(digits));
          r = std::round(x * f) / f;
          break;
        }
        default:
          return;
      }
      if (!std::isfinite(r)) return;
      if (integer_result && std::fabs(r) < 9.0e18) {
        out.push_back(item::of_integer(static_cast<std::int64_t>(r)));
      } else {
        item d;
        d.kind = item_kind::decimal;
        d.decimal = r;
        out.push_back(d);
      }
      return;
    }
    // ---- tree navigation ----
    case fn::children:
      need_args(0, 0);
      for (const item& i : input) children(i, out);
      return;
    case fn::descendants: {
      need_args(0, 0);
      const environment& e = env();
      if (input.size() == 1 && input[0].json != nullptr && input[0].json == e.resource.json) {
        if (descendants_of_ != input[0].json) {
          descendants_cache_.clear();
          descendants(input, descendants_cache_);
          descendants_of_ = input[0].json;
        }
        out.insert(out.end(), descendants_cache_.begin(), descendants_cache_.end());
        return;
      }
      descendants(input, out);
      return;
    }
    // ---- utility ----
    case fn::trace:
      need_args(1, 2);
      out.insert(out.end(), input.begin(), input.end());
      return;
    case fn::now:
    case fn::today:
    case fn::time_of_day: {
      need_args(0, 0);
      const std::time_t t = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char buf[40];
      item v;
      if (n.function == fn::today) {
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        v.kind = item_kind::date;
      } else if (n.function == fn::now) {
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        v.kind = item_kind::date_time;
      } else {
        std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
        v.kind = item_kind::time;
      }
      std::string& s = scratch_string();
      s = buf;
      v.text = s;
      out.push_back(v);
      return;
    }
    case fn::not_: {
      need_args(0, 0);
      const auto b = truth(input, "not()");
      if (b) push_bool(!*b);
      return;
    }
    case fn::aggregate: {
      need_args(1, 2);
      scoped_collection total(*this);
      if (n.arg_count == 2) eval_arg(n, 1, *total);
      for (std::size_t k = 0; k < input.size(); ++k) {
        scoped_collection next_total(*this);
        const frame saved = current();
        current().total = &*total;
        eval_arg_on(n, 0, input[k], static_cast<std::int64_t>(k), *next_total);
        current() = saved;
        total->assign(next_total->begin(), next_total->end());
      }
      out.insert(out.end(), total->begin(), total->end());
      return;
    }
    // ---- FHIR additions ----
    case fn::extension: {
      need_args(1, 1);
      const auto url = arg_string(0);
      if (!url) return;
      scoped_collection exts(*this);
      members(input, "extension", *exts);
      for (const item& x : *exts) {
        if (!x.json || !x.json->IsObject()) continue;
        auto u = x.json->FindMember("url");
        if (u != x.json->MemberEnd() && u->value.IsString() &&
            std::string_view(u->value.GetString(), u->value.GetStringLength()) == *url) {
          out.push_back(x);
        }
      }
      return;
    }
    case fn::has_value: {
      need_args(0, 0);
      const item* i = input.size() == 1 ? &input[0] : nullptr;
      bool has = false;
      if (i) {
        if (i->kind != item_kind::node) {
          has = true;
        } else if (i->json && i->type != no_type && md.type(i->type).kind == type_kind::primitive) {
          has = !i->json->IsNull();
        } else if (i->json && i->type == no_type) {
          has = !i->json->IsObject() && !i->json->IsArray() && !i->json->IsNull();
        }
      }
      return push_bool(has);
    }
    case fn::get_value: {
      need_args(0, 0);
      const item* i = input.size() == 1 ? &input[0] : nullptr;
      item v;
      if (i && system_value(md, *i, v)) out.push_back(v);
      return;
    }
    case fn::resolve: {
      need_args(0, 0);
      const environment& e = env();
      if (!e.resolver.resolve) return;
      for (const item& i : input) {
        std::string_view ref;
        item v;
        if (i.kind == item_kind::node && i.json && i.json->IsObject()) {
          auto r = i.json->FindMember("reference");
          if (r != i.json->MemberEnd() && r->value.IsString()) {
            ref = std::string_view(r->value.GetString(), r->value.GetStringLength());
          }
        } else if (system_value(md, i, v) && v.kind == item_kind::string) {
          ref = v.text;
        }
        if (ref.empty()) continue;
        const rapidjson::Value* target = e.resolver.resolve(e.resolver.state, ref);
        if (!target) continue;
        item t = item::of_node(target, md.known().resource);
        resolve_type(t);
        out.push_back(t);
      }
      return;
    }
    case fn::html_checks: {
      need_args(0, 0);
      const item* i = single(input, "htmlChecks()");
      if (!i) return;
      item v;
      if (!env().html || !system_value(md, *i, v) || v.kind != item_kind::string) return push_bool(false);
      return push_bool(env().html(v.text).empty());
    }
    case fn::member_of:
    case fn::conforms_to:
    case fn::subsumes:
    case fn::subsumed_by:
      fail("terminology and profile functions need a terminology server");
  }
  fail("unsupported function");
}

}  // namespace fhir::fhirpath::detail
