#include "adapters/sql_store/json_meta.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace gateway::sql_store {
namespace {

constexpr std::size_t none = std::string_view::npos;

// The bytes that end a run of plain characters inside a string: the quote, the backslash and the
// control characters.
constexpr std::array<bool, 256> stops_string_run = [] {
  std::array<bool, 256> stops{};
  for (int c = 0; c < 0x20; ++c) stops[c] = true;
  stops['"'] = stops['\\'] = true;
  return stops;
}();

// Checks the grammar of compact JSON (RFC 8259 without insignificant whitespace) and says where
// each value ends; `none` for anything this path leaves to the rewrite: whitespace, a \u or \/
// escape (the rewrite writes those differently), a control character, anything malformed.
class compact_scanner {
 public:
  explicit compact_scanner(std::string_view text) : text_(text) {}

  char at(std::size_t p) const { return p < text_.size() ? text_[p] : '\0'; }

  // A string starting at p (its opening quote): the position after its closing quote.
  std::size_t string_end(std::size_t p) const {
    if (at(p) != '"') return none;
    for (++p;; ++p) {
      while (p < text_.size() && !stops_string_run[static_cast<unsigned char>(text_[p])]) ++p;
      const char c = at(p);
      if (c == '"') return p + 1;
      if (c != '\\') return none;  // a control character, or the end of the text
      const char e = at(++p);
      if (e != '"' && e != '\\' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return none;
    }
  }

  // A value starting at p: the position after it. Iterative: nesting depth costs no stack.
  std::size_t value_end(std::size_t p) {
    open_.clear();
    for (;;) {
      p = scalar_or_open(p);
      if (p == none) return none;
      // After a value (or an empty container closed): close what ends here, then the next one.
      for (;;) {
        if (open_.empty()) return p;
        const char c = at(p);
        if (c == ',') {
          ++p;
          if (open_.back() == '{' && (p = key_end(p)) == none) return none;
          break;
        }
        if (c != (open_.back() == '{' ? '}' : ']')) return none;
        open_.pop_back();
        ++p;
      }
    }
  }

  // A member's key and its colon starting at p: the position of its value.
  std::size_t key_end(std::size_t p) const {
    p = string_end(p);
    return p != none && at(p) == ':' ? p + 1 : none;
  }

 private:
  // A scalar, an empty container, or the opening of a container and its first key: the position
  // after the scalar or the empty container, or of the first value inside.
  std::size_t scalar_or_open(std::size_t p) {
    for (;;) {
      const char c = at(p);
      if (c == '{' || c == '[') {
        const char close = c == '{' ? '}' : ']';
        if (at(p + 1) == close) return p + 2;
        open_.push_back(c);
        p = c == '{' ? key_end(p + 1) : p + 1;
        if (p == none) return none;
        continue;
      }
      if (c == '"') return string_end(p);
      if (c == 't') return literal_end(p, "true");
      if (c == 'f') return literal_end(p, "false");
      if (c == 'n') return literal_end(p, "null");
      return number_end(p);
    }
  }

  std::size_t literal_end(std::size_t p, std::string_view word) const {
    return text_.substr(p, word.size()) == word ? p + word.size() : none;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  std::size_t digits_end(std::size_t p) const {
    if (!digit(at(p))) return none;
    while (digit(at(p))) ++p;
    return p;
  }

  std::size_t number_end(std::size_t p) const {
    if (at(p) == '-') ++p;
    if (at(p) == '0')
      ++p;
    else if ((p = digits_end(p)) == none)
      return none;
    if (at(p) == '.' && (p = digits_end(p + 1)) == none) return none;
    if (at(p) == 'e' || at(p) == 'E') {
      ++p;
      if (at(p) == '+' || at(p) == '-') ++p;
      p = digits_end(p);
    }
    return p;
  }

  std::string_view text_;
  std::string open_;  // the containers open around the value being scanned: '{' or '['
};

// A string as RapidJSON's Writer writes it, when that is just the text in quotes.
bool plain(std::string_view s) {
  for (const char c : s)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

void member(std::string& out, bool& first, std::string_view key, std::string_view value_text) {
  if (!first) out += ',';
  first = false;
  out += '"';
  out += key;
  out += "\":";
  out += value_text;
}

}  // namespace

std::optional<std::string> stamp_meta_compact(std::string_view json, std::string_view id, std::string_view version,
                                              std::string_view last_updated) {
  if (!plain(id) || !plain(version) || !plain(last_updated)) return std::nullopt;
  std::string quoted_id = "\"";
  quoted_id.append(id).append("\"");
  std::string stamps = "\"versionId\":\"";
  stamps.append(version).append("\",\"lastUpdated\":\"").append(last_updated).append("\"");
  compact_scanner scan(json);
  if (scan.at(0) != '{') return std::nullopt;
  std::string out;
  out.reserve(json.size() + stamps.size() + quoted_id.size() + 24);
  out += '{';
  bool first = true, id_written = false, meta_written = false;
  // Each member of the object at p ('{'): keep(key, value_at) takes its value and answers the
  // position after it; members answers the position after the object, or none.
  const auto members = [&scan, &json](std::size_t p, auto keep) -> std::size_t {
    if (scan.at(++p) == '}') return p + 1;
    for (;;) {
      const std::size_t value_at = scan.key_end(p);
      if (value_at == none) return none;
      const std::string_view key = json.substr(p + 1, value_at - p - 3);
      if (key.find('\\') != std::string_view::npos) return none;
      const std::size_t end = keep(key, value_at);
      if (end == none) return none;
      if (scan.at(end) == '}') return end + 1;
      if (scan.at(end) != ',') return none;
      p = end + 1;
    }
  };
  const std::size_t end = members(0, [&](std::string_view key, std::size_t value_at) -> std::size_t {
    if (key == "meta") {  // its members but ours, then ours
      if (scan.at(value_at) != '{') return none;
      member(out, first, "meta", "{");
      bool first_in_meta = true;
      const std::size_t meta_end = members(value_at, [&](std::string_view inner, std::size_t inner_at) {
        const std::size_t inner_end = scan.value_end(inner_at);
        if (inner_end != none && inner != "versionId" && inner != "lastUpdated")
          member(out, first_in_meta, inner, json.substr(inner_at, inner_end - inner_at));
        return inner_end;
      });
      if (!first_in_meta) out += ',';
      out += stamps;
      out += '}';
      meta_written = true;
      return meta_end;
    }
    const std::size_t value_end = scan.value_end(value_at);
    if (value_end == none || (key == "resourceType" && scan.at(value_at) != '"')) return none;
    if (key != "id") member(out, first, key, json.substr(value_at, value_end - value_at));
    if (key == "resourceType" && !id_written) {
      member(out, first, "id", quoted_id);
      id_written = true;
    }
    return value_end;
  });
  if (end != json.size()) return std::nullopt;  // malformed, or text after the object
  if (!id_written) member(out, first, "id", quoted_id);
  if (!meta_written) member(out, first, "meta", "{" + stamps.append("}"));
  out += '}';
  return out;
}

std::optional<std::string> stamp_meta(std::string_view json, std::string_view id, std::int64_t version,
                                      std::string_view last_updated) {
  const std::string version_text = std::to_string(version);
  if (auto fast = stamp_meta_compact(json, id, version_text, last_updated)) return fast;
  return stamp_meta_rewritten(json, id, version_text, last_updated);
}

}  // namespace gateway::sql_store
