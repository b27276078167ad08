// FHIRPath lexer and parser (the N1 grammar, operators by precedence) into the compact tree of
// fhir/fhirpath/ast.hpp. Runs at model load; errors name the offset.

#include <cctype>
#include <deque>
#include <stdexcept>
#include <unordered_map>

#include "fhir/fhirpath/ast.hpp"
#include "fhir/fhirpath/fhirpath.hpp"

namespace fhir::fhirpath {

struct expression::data {
  std::string source;
  std::vector<node> nodes;
  std::vector<std::uint32_t> args;
  std::deque<std::string> strings;  // unescaped literals
  std::uint32_t root = no_node;
};

expression::expression() : d_(std::make_unique<data>()) {}
expression::~expression() = default;
expression::expression(expression&&) noexcept = default;
expression& expression::operator=(expression&&) noexcept = default;
std::string_view expression::text() const {
  return d_->source;
}
const node& expression::root() const {
  return d_->nodes[d_->root];
}
const node& expression::at(std::uint32_t i) const {
  return d_->nodes[i];
}
std::uint32_t expression::node_count() const {
  return static_cast<std::uint32_t>(d_->nodes.size());
}
std::uint32_t expression::root_index() const {
  return d_->root;
}
std::uint32_t expression::arg(const node& call, std::uint32_t k) const {
  return d_->args[call.args + k];
}

void throw_exception_from_error(const compile_error& e, const boost::source_location&) {
  throw std::invalid_argument("FHIRPath compile error: " + e.message);
}

namespace {

enum class tok : std::uint8_t { end, identifier, delimited, string, number, date, constant, symbol, special };

struct token {
  tok kind = tok::end;
  std::string_view text;  // identifier (without backticks), symbol, number, date (without @), constant name
  std::size_t offset = 0;
};

const std::unordered_map<std::string_view, fn>& function_names() {
  static const std::unordered_map<std::string_view, fn> names = {
      {"empty", fn::empty},
      {"exists", fn::exists},
      {"all", fn::all},
      {"allTrue", fn::all_true},
      {"anyTrue", fn::any_true},
      {"allFalse", fn::all_false},
      {"anyFalse", fn::any_false},
      {"subsetOf", fn::subset_of},
      {"supersetOf", fn::superset_of},
      {"count", fn::count},
      {"distinct", fn::distinct},
      {"isDistinct", fn::is_distinct},
      {"where", fn::where},
      {"select", fn::select},
      {"repeat", fn::repeat},
      {"ofType", fn::of_type},
      {"single", fn::single},
      {"first", fn::first},
      {"last", fn::last},
      {"tail", fn::tail},
      {"skip", fn::skip},
      {"take", fn::take},
      {"intersect", fn::intersect},
      {"exclude", fn::exclude},
      {"union", fn::union_},
      {"combine", fn::combine},
      {"iif", fn::iif},
      {"toBoolean", fn::to_boolean},
      {"convertsToBoolean", fn::converts_to_boolean},
      {"toInteger", fn::to_integer},
      {"convertsToInteger", fn::converts_to_integer},
      {"toDecimal", fn::to_decimal},
      {"convertsToDecimal", fn::converts_to_decimal},
      {"toString", fn::to_string},
      {"convertsToString", fn::converts_to_string},
      {"toDate", fn::to_date},
      {"convertsToDate", fn::converts_to_date},
      {"toDateTime", fn::to_date_time},
      {"convertsToDateTime", fn::converts_to_date_time},
      {"toTime", fn::to_time},
      {"convertsToTime", fn::converts_to_time},
      {"toQuantity", fn::to_quantity},
      {"convertsToQuantity", fn::converts_to_quantity},
      {"indexOf", fn::index_of},
      {"substring", fn::substring},
      {"startsWith", fn::starts_with},
      {"endsWith", fn::ends_with},
      {"contains", fn::contains},
      {"upper", fn::upper},
      {"lower", fn::lower},
      {"replace", fn::replace},
      {"matches", fn::matches},
      {"replaceMatches", fn::replace_matches},
      {"length", fn::length},
      {"toChars", fn::to_chars},
      {"abs", fn::abs},
      {"ceiling", fn::ceiling},
      {"exp", fn::exp},
      {"floor", fn::floor},
      {"ln", fn::ln},
      {"log", fn::log},
      {"power", fn::power},
      {"round", fn::round},
      {"sqrt", fn::sqrt},
      {"truncate", fn::truncate},
      {"children", fn::children},
      {"descendants", fn::descendants},
      {"trace", fn::trace},
      {"now", fn::now},
      {"timeOfDay", fn::time_of_day},
      {"today", fn::today},
      {"not", fn::not_},
      {"aggregate", fn::aggregate},
      {"is", fn::is},
      {"as", fn::as},
      {"extension", fn::extension},
      {"hasValue", fn::has_value},
      {"resolve", fn::resolve},
      {"htmlChecks", fn::html_checks},
      {"memberOf", fn::member_of},
      {"conformsTo", fn::conforms_to},
      {"subsumes", fn::subsumes},
      {"subsumedBy", fn::subsumed_by},
      {"getValue", fn::get_value},
  };
  return names;
}

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct parse_failure {
  std::size_t offset;
  std::string message;
};

}  // namespace

class parser {
 public:
  explicit parser(expression::data& d) : d_(d), s_(d.source) {}

  std::uint32_t parse() {
    next();
    const std::uint32_t root = parse_implies();
    if (cur_.kind != tok::end) fail("unexpected '" + std::string(cur_.text) + "'");
    return root;
  }

  // Children are created before their parents, so one forward pass sees every child first.
  static void mark_focus_free(expression::data& d) {
    for (node& n : d.nodes) {
      bool free = true;
      switch (n.kind) {
        case op::this_:
        case op::index_:
        case op::total_:
          free = false;
          break;
        case op::member:
        case op::call:
          if (n.lhs == no_node) free = false;
          break;
        default:
          break;
      }
      // now()/today() are fixed within one evaluation too; nothing else has hidden inputs.
      auto child_free = [&](std::uint32_t c) { return c == no_node || d.nodes[c].focus_free; };
      free = free && child_free(n.lhs) && child_free(n.rhs);
      if (n.kind == op::call) {
        for (std::uint32_t k = 0; k < n.arg_count; ++k) free = free && child_free(d.args[n.args + k]);
      }
      n.focus_free = free;
    }
  }

 private:
  [[noreturn]] void fail(std::string message) { throw parse_failure{cur_.offset, std::move(message)}; }

  // ---- lexer ----
  void skip_space() {
    for (;;) {
      while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (s_.substr(pos_, 2) == "//") {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (s_.substr(pos_, 2) == "/*") {
        const auto end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        return;
      }
    }
  }

  std::string_view quoted(char quote) {
    const std::size_t start = pos_++;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ >= s_.size()) break;
        char e = s_[pos_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            if (pos_ + 4 > s_.size()) fail("bad \\u escape");
            unsigned v = 0;
            for (int k = 0; k < 4; ++k) {
              char h = s_[pos_++];
              if (!std::isxdigit(static_cast<unsigned char>(h))) fail("bad \\u escape");
              v = v * 16 + static_cast<unsigned>(
                               std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
            }
            if (v < 0x80) {
              out += static_cast<char>(v);
            } else if (v < 0x800) {
              out += static_cast<char>(0xC0 | (v >> 6));
              out += static_cast<char>(0x80 | (v & 0x3F));
            } else {
              out += static_cast<char>(0xE0 | (v >> 12));
              out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (v & 0x3F));
            }
            break;
          }
          default:
            out += e;
            break;  // \' \" \` \\ \/ and regex escapes kept as the character
        }
      } else {
        out += c;
      }
    }
    if (pos_ >= s_.size()) {
      cur_.offset = start;
      fail("unterminated literal");
    }
    ++pos_;
    return d_.strings.emplace_back(std::move(out));
  }

  void next() {
    skip_space();
    cur_ = token{};
    cur_.offset = pos_;
    if (pos_ >= s_.size()) return;
    const char c = s_[pos_];
    if (is_ident_start(c)) {
      const std::size_t b = pos_;
      while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
      cur_.kind = tok::identifier;
      cur_.text = s_.substr(b, pos_ - b);
    } else if (c == '`') {
      cur_.kind = tok::delimited;
      cur_.text = quoted('`');
    } else if (c == '\'') {
      cur_.kind = tok::string;
      cur_.text = quoted('\'');
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      const std::size_t b = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (pos_ + 1 < s_.size() && s_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
        ++pos_;
        while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      }
      cur_.kind = tok::number;
      cur_.text = s_.substr(b, pos_ - b);
    } else if (c == '@') {
      const std::size_t b = ++pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' ||
                                  s_[pos_] == ':' || s_[pos_] == '.' || s_[pos_] == '+' || (s_[pos_] == 'Z'))) {
        ++pos_;
      }
      cur_.kind = tok::date;
      cur_.text = s_.substr(b, pos_ - b);
    } else if (c == '%') {
      ++pos_;
      cur_.kind = tok::constant;
      if (pos_ < s_.size() && (s_[pos_] == '`' || s_[pos_] == '\'')) {
        cur_.text = quoted(s_[pos_]);
      } else {
        const std::size_t b = pos_;
        while (pos_ < s_.size() && (is_ident_char(s_[pos_]) || s_[pos_] == '-')) ++pos_;
        cur_.text = s_.substr(b, pos_ - b);
      }
      if (cur_.text.empty()) fail("empty constant name");
    } else if (c == '$') {
      const std::size_t b = pos_++;
      while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
      cur_.kind = tok::special;
      cur_.text = s_.substr(b, pos_ - b);
    } else {
      static constexpr std::string_view two[] = {"<=", ">=", "!=", "!~"};
      for (std::string_view t : two) {
        if (s_.substr(pos_, 2) == t) {
          cur_.kind = tok::symbol;
          cur_.text = t;
          pos_ += 2;
          return;
        }
      }
      if (std::string_view(".[](),+-*/&|<>=~{}").find(c) == std::string_view::npos) {
        fail(std::string("unexpected character '") + c + "'");
      }
      cur_.kind = tok::symbol;
      cur_.text = s_.substr(pos_++, 1);
    }
  }

  bool at_symbol(std::string_view s) const { return cur_.kind == tok::symbol && cur_.text == s; }
  bool at_word(std::string_view w) const { return cur_.kind == tok::identifier && cur_.text == w; }
  void expect(std::string_view s) {
    if (!at_symbol(s)) fail("expected '" + std::string(s) + "'");
    next();
  }

  // ---- tree ----
  std::uint32_t add(node n) {
    d_.nodes.push_back(n);
    return static_cast<std::uint32_t>(d_.nodes.size() - 1);
  }
  std::uint32_t binary(op kind, std::uint32_t l, std::uint32_t r) {
    node n;
    n.kind = kind;
    n.lhs = l;
    n.rhs = r;
    return add(n);
  }

  // ---- grammar, lowest precedence first ----
  std::uint32_t parse_implies() {
    std::uint32_t l = parse_or();
    while (at_word("implies")) {
      next();
      l = binary(op::implies, l, parse_or());
    }
    return l;
  }
  std::uint32_t parse_or() {
    std::uint32_t l = parse_and();
    while (at_word("or") || at_word("xor")) {
      const op k = cur_.text == "or" ? op::or_ : op::xor_;
      next();
      l = binary(k, l, parse_and());
    }
    return l;
  }
  std::uint32_t parse_and() {
    std::uint32_t l = parse_membership();
    while (at_word("and")) {
      next();
      l = binary(op::and_, l, parse_membership());
    }
    return l;
  }
  std::uint32_t parse_membership() {
    std::uint32_t l = parse_equality();
    while (at_word("in") || at_word("contains")) {
      const op k = cur_.text == "in" ? op::in_ : op::contains_;
      next();
      l = binary(k, l, parse_equality());
    }
    return l;
  }
  std::uint32_t parse_equality() {
    std::uint32_t l = parse_inequality();
    for (;;) {
      op k;
      if (at_symbol("="))
        k = op::eq;
      else if (at_symbol("~"))
        k = op::equiv;
      else if (at_symbol("!="))
        k = op::ne;
      else if (at_symbol("!~"))
        k = op::nequiv;
      else
        return l;
      next();
      l = binary(k, l, parse_inequality());
    }
  }
  std::uint32_t parse_inequality() {
    std::uint32_t l = parse_union();
    for (;;) {
      op k;
      if (at_symbol("<"))
        k = op::lt;
      else if (at_symbol("<="))
        k = op::le;
      else if (at_symbol(">"))
        k = op::gt;
      else if (at_symbol(">="))
        k = op::ge;
      else
        return l;
      next();
      l = binary(k, l, parse_union());
    }
  }
  std::uint32_t parse_union() {
    std::uint32_t l = parse_type();
    while (at_symbol("|")) {
      next();
      l = binary(op::union_, l, parse_type());
    }
    return l;
  }
  std::string_view type_specifier() {
    if (cur_.kind != tok::identifier && cur_.kind != tok::delimited) fail("expected a type name");
    std::string_view name = cur_.text;
    next();
    while (at_symbol(".")) {  // qualified: FHIR.Patient, System.String
      next();
      if (cur_.kind != tok::identifier && cur_.kind != tok::delimited) fail("expected a type name");
      name = cur_.text;
      next();
    }
    return name;
  }
  std::uint32_t parse_type() {
    std::uint32_t l = parse_additive();
    while (at_word("is") || at_word("as")) {
      const op k = cur_.text == "is" ? op::is_ : op::as_;
      next();
      node n;
      n.kind = k;
      n.lhs = l;
      n.text = type_specifier();
      l = add(n);
    }
    return l;
  }
  std::uint32_t parse_additive() {
    std::uint32_t l = parse_multiplicative();
    for (;;) {
      op k;
      if (at_symbol("+"))
        k = op::add;
      else if (at_symbol("-"))
        k = op::sub;
      else if (at_symbol("&"))
        k = op::concat;
      else
        return l;
      next();
      l = binary(k, l, parse_multiplicative());
    }
  }
  std::uint32_t parse_multiplicative() {
    std::uint32_t l = parse_unary();
    for (;;) {
      op k;
      if (at_symbol("*"))
        k = op::mul;
      else if (at_symbol("/"))
        k = op::div;
      else if (at_word("div"))
        k = op::int_div;
      else if (at_word("mod"))
        k = op::mod;
      else
        return l;
      next();
      l = binary(k, l, parse_unary());
    }
  }
  // Nesting is bounded so a hostile expression cannot exhaust the stack.
  struct depth_guard {
    parser& p;
    explicit depth_guard(parser& pp) : p(pp) {
      if (++p.depth_ > 128) p.fail("expression nested too deeply");
    }
    ~depth_guard() { --p.depth_; }
  };

  std::uint32_t parse_unary() {
    depth_guard guard(*this);
    if (at_symbol("-") || at_symbol("+")) {
      const bool minus = cur_.text == "-";
      next();
      const std::uint32_t operand = parse_unary();
      if (!minus) return operand;
      node n;
      n.kind = op::negate;
      n.rhs = operand;
      return add(n);
    }
    return parse_postfix();
  }
  std::uint32_t parse_postfix() {
    std::uint32_t l = parse_term();
    for (;;) {
      if (at_symbol(".")) {
        next();
        l = parse_invocation(l);
      } else if (at_symbol("[")) {
        next();
        const std::uint32_t index = parse_implies();
        expect("]");
        l = binary(op::indexer, l, index);
      } else {
        return l;
      }
    }
  }

  std::uint32_t parse_invocation(std::uint32_t lhs) {
    node n;
    n.lhs = lhs;
    if (cur_.kind == tok::special) {
      if (cur_.text == "$this")
        n.kind = op::this_;
      else if (cur_.text == "$index")
        n.kind = op::index_;
      else if (cur_.text == "$total")
        n.kind = op::total_;
      else
        fail("unknown " + std::string(cur_.text));
      next();
      return add(n);
    }
    if (cur_.kind != tok::identifier && cur_.kind != tok::delimited) fail("expected a name");
    const bool delimited = cur_.kind == tok::delimited;
    n.text = cur_.text;
    const std::size_t name_offset = cur_.offset;
    next();
    if (delimited || !at_symbol("(")) {
      n.kind = op::member;
      return add(n);
    }
    auto f = function_names().find(n.text);
    if (f == function_names().end()) {
      cur_.offset = name_offset;
      fail("unknown function " + std::string(n.text) + "()");
    }
    n.kind = op::call;
    n.function = f->second;
    next();  // (
    std::vector<std::uint32_t> args;
    if (!at_symbol(")")) {
      for (;;) {
        // Type arguments (ofType, is, as) are names, kept as member nodes.
        args.push_back(parse_implies());
        if (!at_symbol(",")) break;
        next();
      }
    }
    expect(")");
    if (args.size() > 255) fail("too many arguments");
    n.arg_count = static_cast<std::uint8_t>(args.size());
    n.args = static_cast<std::uint32_t>(d_.args.size());
    d_.args.insert(d_.args.end(), args.begin(), args.end());
    return add(n);
  }

  std::uint32_t parse_term() {
    node n;
    switch (cur_.kind) {
      case tok::end:
        fail("unexpected end of expression");
      case tok::string:
        n.kind = op::string_literal;
        n.text = cur_.text;
        next();
        return add(n);
      case tok::number:
        return parse_number();
      case tok::date: {
        std::string_view t = cur_.text;
        if (!t.empty() && t[0] == 'T') {
          n.kind = op::time_literal;
          t.remove_prefix(1);
        } else {
          n.kind = t.find('T') != std::string_view::npos ? op::date_time_literal : op::date_literal;
          if (!t.empty() && t.back() == 'T') t.remove_suffix(1);
        }
        n.text = t;
        next();
        return add(n);
      }
      case tok::constant:
        n.kind = op::constant;
        n.text = cur_.text;
        next();
        return add(n);
      case tok::symbol:
        if (at_symbol("(")) {
          next();
          const std::uint32_t inner = parse_implies();
          expect(")");
          return inner;
        }
        if (at_symbol("{")) {
          next();
          expect("}");
          n.kind = op::empty_literal;
          return add(n);
        }
        fail("unexpected '" + std::string(cur_.text) + "'");
      case tok::identifier:
        if (at_word("true") || at_word("false")) {
          n.kind = op::boolean_literal;
          n.boolean = cur_.text == "true";
          next();
          return add(n);
        }
        return parse_invocation(no_node);
      case tok::delimited:
      case tok::special:
        return parse_invocation(no_node);
    }
    fail("unexpected token");
  }

  std::uint32_t parse_number() {
    node n;
    const std::string_view t = cur_.text;
    const std::string owned(t);
    if (t.find('.') != std::string_view::npos) {
      n.kind = op::decimal_literal;
      n.decimal = std::strtod(owned.c_str(), nullptr);
    } else {
      n.kind = op::integer_literal;
      n.integer = std::strtoll(owned.c_str(), nullptr, 10);
      n.decimal = static_cast<double>(n.integer);
    }
    n.text = t;
    next();
    static constexpr std::string_view calendar[] = {
        "year", "years", "month",  "months",  "week",   "weeks",   "day",         "days",
        "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"};
    if (cur_.kind == tok::string) {
      n.kind = op::quantity_literal;
      n.text = cur_.text;
      next();
    } else if (cur_.kind == tok::identifier) {
      for (std::string_view c : calendar) {
        if (cur_.text == c) {
          n.kind = op::quantity_literal;
          n.text = c;
          next();
          break;
        }
      }
    }
    return add(n);
  }

  expression::data& d_;
  std::string_view s_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  token cur_;
};

boost::system::result<expression, compile_error> compile(std::string_view text) {
  expression e;
  // The parser refers to the expression's own copy of the text, never the caller's.
  e.d_->source.assign(text);
  if (text.size() > 64 * 1024) return compile_error{0, "expression longer than 64 KiB"};
  parser p(*e.d_);
  try {
    e.d_->root = p.parse();
  } catch (const parse_failure& f) {
    return compile_error{f.offset, f.message + " (at offset " + std::to_string(f.offset) + ")"};
  }
  parser::mark_focus_free(*e.d_);
  return e;
}

}  // namespace fhir::fhirpath
