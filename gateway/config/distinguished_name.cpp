#include "gateway/config/distinguished_name.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace gateway::config {
namespace {

struct known_type {
  std::string_view name;  // as printed
  std::string_view oid;
};

// RFC 4514 section 3 (CN, L, ST, O, OU, C, STREET, DC, UID) and the other X.520 / PKCS #9
// attributes that appear in certificate names, with the names OpenSSL prints for them.
constexpr std::array<known_type, 19> known_types{{
    {"CN", "2.5.4.3"},
    {"SN", "2.5.4.4"},
    {"serialNumber", "2.5.4.5"},
    {"C", "2.5.4.6"},
    {"L", "2.5.4.7"},
    {"ST", "2.5.4.8"},
    {"STREET", "2.5.4.9"},
    {"O", "2.5.4.10"},
    {"OU", "2.5.4.11"},
    {"title", "2.5.4.12"},
    {"GN", "2.5.4.42"},
    {"initials", "2.5.4.43"},
    {"generationQualifier", "2.5.4.44"},
    {"dnQualifier", "2.5.4.46"},
    {"pseudonym", "2.5.4.65"},
    {"organizationIdentifier", "2.5.4.97"},
    {"DC", "0.9.2342.19200300.100.1.25"},
    {"UID", "0.9.2342.19200300.100.1.1"},
    {"emailAddress", "1.2.840.113549.1.9.1"},
}};

// Other spellings accepted on input.
constexpr std::array<known_type, 5> aliases{{
    {"surname", "2.5.4.4"},
    {"givenName", "2.5.4.42"},
    {"E", "1.2.840.113549.1.9.1"},
    {"streetAddress", "2.5.4.9"},
    {"userId", "0.9.2342.19200300.100.1.1"},
}};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_numeric_oid(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find('.') == std::string_view::npos) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    } else if (c == '0' && (i == 0 || s[i - 1] == '.') && i + 1 < s.size() && s[i + 1] != '.') {
      return false;  // no leading zeros
    }
  }
  return true;
}

// The OID of an attribute type as written; empty when unknown.
std::string type_oid(std::string_view type) {
  if (type.size() > 4 && iequals(type.substr(0, 4), "oid.")) type.remove_prefix(4);
  if (is_numeric_oid(type)) return std::string(type);
  for (const auto& t : known_types)
    if (iequals(t.name, type)) return std::string(t.oid);
  for (const auto& t : aliases)
    if (iequals(t.name, type)) return std::string(t.oid);
  return {};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ';
}

// Reads a DN string one attribute at a time.
class dn_parser {
 public:
  explicit dn_parser(std::string_view text) : s_(text) {}

  std::variant<distinguished_name, std::string> run() {
    distinguished_name name;
    skip_spaces();
    if (at_end()) return std::string("empty distinguished name");
    dn_rdn rdn;
    for (;;) {
      auto attribute = read_attribute();
      if (auto* error = std::get_if<std::string>(&attribute)) return *error;
      rdn.push_back(std::move(std::get<dn_attribute>(attribute)));
      if (at_end()) break;
      const char separator = s_[i_++];
      skip_spaces();
      if (separator == ',') {
        name.rdns.push_back(std::move(rdn));
        rdn.clear();
      } else if (separator != '+') {
        return std::string("unexpected '") + separator + "' after a value";
      }
      if (at_end()) return std::string("a name ends with '") + separator + "'";
    }
    name.rdns.push_back(std::move(rdn));
    normalise(name);
    for (const auto& r : name.rdns) {
      for (std::size_t k = 1; k < r.size(); ++k)
        if (r[k].oid == r[k - 1].oid) return "the attribute type " + r[k].oid + " appears twice in one RDN";
    }
    return name;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  void skip_spaces() {
    while (!at_end() && is_space(s_[i_])) ++i_;
  }

  std::variant<dn_attribute, std::string> read_attribute() {
    const std::size_t start = i_;
    while (!at_end() && s_[i_] != '=' && s_[i_] != ',' && s_[i_] != '+') ++i_;
    std::string_view type = s_.substr(start, i_ - start);
    while (!type.empty() && is_space(type.back())) type.remove_suffix(1);
    if (at_end() || s_[i_] != '=') {
      std::string message = "\"";  // appended, not operator+: g++ 12 warns (-Wrestrict) on the latter
      message.append(type).append("\" has no '=' and value");
      return message;
    }
    if (type.empty()) return std::string("an attribute has no type before '='");
    std::string oid = type_oid(type);
    if (oid.empty()) return "unknown attribute type \"" + std::string(type) + "\" (use a dotted OID)";
    ++i_;  // '='
    skip_spaces();
    if (!at_end() && s_[i_] == '#')
      return std::string(type) + ": BER-encoded (#hex) values are not supported; write the value as text";
    std::string value;
    std::size_t trailing_spaces = 0;  // unescaped spaces at the end of `value` so far
    while (!at_end() && s_[i_] != ',' && s_[i_] != '+') {
      const char c = s_[i_++];
      if (c == '\\') {
        if (at_end()) return std::string(type) + ": a value ends with a lone '\\'";
        const char next = s_[i_];
        const int hi = hex_digit(next);
        if (hi >= 0 && i_ + 1 < s_.size() && hex_digit(s_[i_ + 1]) >= 0) {
          value += static_cast<char>(hi * 16 + hex_digit(s_[i_ + 1]));
          i_ += 2;
        } else if (std::string_view("\\,+\"<>;=# ").find(next) != std::string_view::npos) {
          value += next;
          ++i_;
        } else {
          return std::string(type) + ": '\\" + next + "' is not an RFC 4514 escape";
        }
        trailing_spaces = 0;
      } else if (c == '"' || c == ';' || c == '<' || c == '>') {
        return std::string(type) + ": '" + c + "' must be escaped with '\\' in a value";
      } else {
        value += c;
        trailing_spaces = is_space(c) ? trailing_spaces + 1 : 0;
      }
    }
    value.resize(value.size() - trailing_spaces);
    if (value.empty()) return std::string(type) + ": empty value";
    return dn_attribute{std::move(oid), std::move(value)};
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::string escaped(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool edge_space = c == ' ' && (i == 0 || i + 1 == value.size());
    if (c < 0x20 || c == 0x7f) {
      static const char hex[] = "0123456789ABCDEF";
      out += '\\';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else if (edge_space || (c == '#' && i == 0) ||
               std::string_view("\\,+\"<>;=").find(static_cast<char>(c)) != std::string_view::npos) {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string_view printed_type(const std::string& oid) {
  for (const auto& t : known_types)
    if (t.oid == oid) return t.name;
  return oid;
}

}  // namespace

std::variant<distinguished_name, std::string> parse_distinguished_name(std::string_view text) {
  return dn_parser(text).run();
}

void normalise(distinguished_name& name) {
  for (auto& rdn : name.rdns) std::sort(rdn.begin(), rdn.end());
}

std::string to_string(const distinguished_name& name) {
  std::string out;
  for (const auto& rdn : name.rdns) {
    if (!out.empty()) out += ',';
    for (std::size_t k = 0; k < rdn.size(); ++k) {
      if (k > 0) out += '+';
      out += printed_type(rdn[k].oid);
      out += '=';
      out += escaped(rdn[k].value);
    }
  }
  return out;
}

}  // namespace gateway::config
