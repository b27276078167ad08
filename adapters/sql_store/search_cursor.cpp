#include "adapters/sql_store/search_cursor.hpp"

#include <charconv>
#include <string_view>

namespace gateway::sql_store {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex(std::string& out, std::string_view in) {
  for (unsigned char c : in) {
    out += hex_digits[c >> 4];
    out += hex_digits[c & 0xf];
  }
}

std::optional<std::string> from_hex(std::string_view in) {
  if (in.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 2);
  for (std::size_t i = 0; i < in.size(); i += 2) {
    unsigned v = 0;
    const auto r = std::from_chars(in.data() + i, in.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != in.data() + i + 2) return std::nullopt;
    out += static_cast<char>(v);
  }
  return out;
}

}  // namespace

std::string encode_cursor(const cursor_position& position) {
  std::string out = "c1.";
  append_hex(out, position.signature);
  for (const auto& v : position.values) {
    out += '.';
    append_hex(out, v);
  }
  out += '.';
  out += std::to_string(position.seq);
  return out;
}

std::optional<cursor_position> decode_cursor(const std::string& token) {
  std::vector<std::string_view> parts;
  std::string_view rest = token;
  for (;;) {
    const auto dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (parts.size() < 3 || parts.front() != "c1") return std::nullopt;
  cursor_position pos;
  const auto signature = from_hex(parts[1]);
  if (!signature) return std::nullopt;
  pos.signature = *signature;
  for (std::size_t i = 2; i + 1 < parts.size(); ++i) {
    auto v = from_hex(parts[i]);
    if (!v) return std::nullopt;
    pos.values.push_back(std::move(*v));
  }
  const auto last = parts.back();
  const auto r = std::from_chars(last.data(), last.data() + last.size(), pos.seq);
  if (r.ec != std::errc() || r.ptr != last.data() + last.size()) return std::nullopt;
  return pos;
}

}  // namespace gateway::sql_store
