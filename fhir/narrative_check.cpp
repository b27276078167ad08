// The narrative rules (txt-1, txt-2): Narrative.div is a well-formed XHTML fragment whose root is
// a <div> in the XHTML namespace, using only the basic formatting elements and attributes the
// specification allows (no script, forms, frames, objects, styles sheets, event attributes,
// javascript: links or images from elsewhere), with some non-whitespace content. A small strict
// parser, bounded in depth, that allocates nothing.

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

constexpr std::string_view xhtml_ns = "http://www.w3.org/1999/xhtml";

// HTML 4.0 chapters 7-11 (but not 9.4) and 15, <a>, <img>: the elements the FHIR narrative allows.
constexpr std::array<std::string_view, 55> allowed_elements = {
    "a",     "abbr", "acronym",  "address", "b",    "bdo",    "big", "blockquote", "br",    "caption", "cite",
    "code",  "col",  "colgroup", "dd",      "dfn",  "div",    "dl",  "dt",         "em",    "h1",      "h2",
    "h3",    "h4",   "h5",       "h6",      "hr",   "i",      "img", "kbd",        "li",    "ol",      "p",
    "pre",   "q",    "samp",     "small",   "span", "strong", "sub", "sup",        "table", "tbody",   "td",
    "tfoot", "th",   "thead",    "tr",      "tt",   "ul",     "var", "map",        "area",  "ins",     "del"};

constexpr std::array<std::string_view, 42> allowed_attributes = {
    "title", "style",   "class",       "id",          "lang",     "xml:lang", "dir",  "accesskey", "tabindex",
    "span",  "width",   "align",       "valign",      "char",     "charoff",  "abbr", "axis",      "headers",
    "scope", "rowspan", "colspan",     "href",        "name",     "src",      "alt",  "height",    "border",
    "frame", "rules",   "cellspacing", "cellpadding", "summary",  "start",    "type", "value",     "compact",
    "shape", "coords",  "nohref",      "cite",        "datetime", "xmlns"};

bool in(std::string_view x, std::span<const std::string_view> list) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

bool name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.' || c == '-';
}
bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class xhtml_parser {
 public:
  explicit xhtml_parser(std::string_view s) : s_(s) {}

  narrative_finding run() {
    while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
    if (s_.substr(pos_, 4) != "<div") return fail("txt-1", "the narrative must be a single <div> element");
    if (!element(0)) return finding_;
    while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
    if (pos_ != s_.size()) return fail("txt-1", "nothing may follow the closing </div>");
    if (!content_) return fail("txt-2", "the narrative has no content other than whitespace");
    return {};
  }

 private:
  narrative_finding fail(std::string_view rule, std::string message) {
    if (finding_.rule.empty()) {
      finding_.rule = rule;
      finding_.message = std::move(message);
    }
    return finding_;
  }
  bool bad(std::string_view rule, std::string message) {
    fail(rule, std::move(message));
    return false;
  }

  std::string_view name() {
    const std::size_t b = pos_;
    if (pos_ >= s_.size() || !name_start(s_[pos_])) return {};
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    return s_.substr(b, pos_ - b);
  }

  // &name; &#123; &#x1F; — the XML ones and the HTML named entities.
  bool entity() {
    const std::size_t b = pos_++;
    std::size_t i = pos_;
    if (i < s_.size() && s_[i] == '#') {
      ++i;
      const bool hex = i < s_.size() && (s_[i] == 'x' || s_[i] == 'X');
      if (hex) ++i;
      const std::size_t digits = i;
      while (i < s_.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s_[i]))
                                   : std::isdigit(static_cast<unsigned char>(s_[i])))) {
        ++i;
      }
      if (i == digits || i - digits > 8) return bad("txt-1", "malformed character reference");
    } else {
      const std::size_t letters = i;
      while (i < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i]))) ++i;
      if (i == letters || i - letters > 32) return bad("txt-1", "a bare '&' must be written &amp;");
    }
    if (i >= s_.size() || s_[i] != ';') return bad("txt-1", "a bare '&' must be written &amp;");
    pos_ = i + 1;
    (void)b;
    return true;
  }

  bool attribute_value(std::string_view& value) {
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
      return bad("txt-1", "attribute values must be quoted");
    }
    const char q = s_[pos_++];
    const std::size_t b = pos_;
    while (pos_ < s_.size() && s_[pos_] != q) {
      if (s_[pos_] == '<') return bad("txt-1", "'<' is not allowed in an attribute value");
      if (s_[pos_] == '&') {
        if (!entity()) return false;
        continue;
      }
      ++pos_;
    }
    if (pos_ >= s_.size()) return bad("txt-1", "unterminated attribute value");
    value = s_.substr(b, pos_ - b);
    ++pos_;
    return true;
  }

  bool check_attribute(std::string_view element, std::string_view attr, std::string_view value, int depth) {
    const std::string a = lower(attr);
    if (a.size() > 2 && a[0] == 'o' && a[1] == 'n') {
      return bad("txt-1", "event attribute '" + a + "' on <" + std::string(element) + "> is not allowed");
    }
    if (attr == "xmlns") {
      if (value != xhtml_ns) {
        return bad("txt-1", "the narrative must be in the XHTML namespace (xmlns=\"" + std::string(xhtml_ns) + "\")");
      }
      if (depth == 0) root_namespace_ = true;
      return true;
    }
    if (!in(attr, allowed_attributes)) {
      return bad("txt-1", "attribute '" + std::string(attr.substr(0, 40)) + "' on <" + std::string(element) +
                              "> is not allowed in a narrative");
    }
    const std::string v = lower(value);
    if ((attr == "href" || attr == "src" || attr == "cite") && v.find("javascript:") != std::string::npos) {
      return bad("txt-1", "javascript: URLs are not allowed in a narrative");
    }
    if (attr == "src" && v.find(':') != std::string::npos && v.rfind("data:", 0) != 0 && v.rfind("urn:", 0) != 0) {
      // Images come from this resource (#id), a Binary, or inline data; not from another server.
      return bad("txt-1", "an image in a narrative may not load from an external address");
    }
    if (attr == "style") {
      if (v.find("expression(") != std::string::npos || v.find("@import") != std::string::npos) {
        return bad("txt-1", "style attributes may not load external content");
      }
      // Only inline images: url(data:...).
      for (auto u = v.find("url("); u != std::string::npos; u = v.find("url(", u + 4)) {
        std::size_t k = u + 4;
        while (k < v.size() && (space(v[k]) || v[k] == '\'' || v[k] == '"')) ++k;
        if (v.compare(k, 5, "data:") != 0) return bad("txt-1", "style attributes may not load external content");
      }
    }
    return true;
  }

  // Parses one element starting at '<'; recursion bounded by depth.
  bool element(int depth) {
    if (depth > 64) return bad("txt-1", "narrative nested too deeply");
    ++pos_;  // '<'
    const std::string_view tag = name();
    if (tag.empty()) return bad("txt-1", "malformed tag");
    if (!in(tag, allowed_elements)) {
      return bad("txt-1", "element <" + std::string(tag.substr(0, 40)) + "> is not allowed in a narrative");
    }
    if (tag == "img") content_ = true;
    std::array<std::string_view, 16> seen{};
    std::size_t seen_count = 0;
    for (;;) {
      const std::size_t before = pos_;
      while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) return bad("txt-1", "unterminated tag <" + std::string(tag) + ">");
      if (s_[pos_] == '>' || s_.substr(pos_, 2) == "/>") break;
      if (pos_ == before) return bad("txt-1", "attributes must be separated by whitespace");
      const std::string_view attr = name();
      if (attr.empty()) return bad("txt-1", "malformed attribute in <" + std::string(tag) + ">");
      for (std::size_t k = 0; k < seen_count; ++k) {
        if (seen[k] == attr) return bad("txt-1", "attribute '" + std::string(attr) + "' given twice");
      }
      if (seen_count < seen.size()) seen[seen_count++] = attr;
      while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] != '=')
        return bad("txt-1", "attribute '" + std::string(attr) + "' has no value");
      ++pos_;
      while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
      std::string_view value;
      if (!attribute_value(value) || !check_attribute(tag, attr, value, depth)) return false;
    }
    if (depth == 0 && !root_namespace_) {
      return bad("txt-1",
                 "the narrative <div> must declare the XHTML namespace (xmlns=\"" + std::string(xhtml_ns) + "\")");
    }
    if (s_[pos_] == '/') {
      pos_ += 2;
      return true;
    }
    ++pos_;  // '>'
    for (;;) {
      if (pos_ >= s_.size()) return bad("txt-1", "element <" + std::string(tag) + "> is not closed");
      const char c = s_[pos_];
      if (c == '<') {
        if (s_.substr(pos_, 4) == "<!--") {
          const auto end = s_.find("-->", pos_ + 4);
          if (end == std::string_view::npos) return bad("txt-1", "unterminated comment");
          pos_ = end + 3;
        } else if (s_.substr(pos_, 9) == "<![CDATA[") {
          const auto end = s_.find("]]>", pos_ + 9);
          if (end == std::string_view::npos) return bad("txt-1", "unterminated CDATA section");
          for (std::size_t k = pos_ + 9; k < end; ++k) content_ = content_ || !space(s_[k]);
          pos_ = end + 3;
        } else if (s_.substr(pos_, 2) == "</") {
          pos_ += 2;
          const std::string_view closing = name();
          while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
          if (closing != tag || pos_ >= s_.size() || s_[pos_] != '>') {
            return bad("txt-1", "</" + std::string(closing.substr(0, 40)) + "> does not close <" + std::string(tag) +
                                    "> (not well-formed XHTML)");
          }
          ++pos_;
          return true;
        } else if (s_.substr(pos_, 2) == "<!" || s_.substr(pos_, 2) == "<?") {
          return bad("txt-1", "declarations and processing instructions are not allowed in a narrative");
        } else if (!element(depth + 1)) {
          return false;
        }
      } else if (c == '&') {
        if (!entity()) return false;
        content_ = true;
      } else if (c == '>') {
        return bad("txt-1", "a bare '>' in text must be written &gt;");
      } else {
        content_ = content_ || !space(c);
        ++pos_;
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  bool root_namespace_ = false;
  bool content_ = false;
  narrative_finding finding_;
};

}  // namespace

narrative_finding check_narrative_xhtml(std::string_view xhtml) {
  return xhtml_parser(xhtml).run();
}

std::string_view narrative_problem(std::string_view xhtml) {
  const narrative_finding f = check_narrative_xhtml(xhtml);
  return f.rule.empty() ? std::string_view{} : f.rule;
}

}  // namespace fhir::detail
