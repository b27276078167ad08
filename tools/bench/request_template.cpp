#include "tools/bench/request_template.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace rg::bench {

std::optional<request_template> request_template::load(const std::string& file, const std::string& marker,
                                                       std::string& error, bool uuid_values) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "cannot read " + file;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  if (marker.empty() || all.find(marker) == std::string::npos) {
    error = file + " does not contain \"" + marker + "\"";
    return std::nullopt;
  }
  request_template t;
  t.uuid_values_ = uuid_values;
  std::size_t from = 0;
  for (std::size_t at; (at = all.find(marker, from)) != std::string::npos; from = at + marker.size())
    t.pieces_.push_back(all.substr(from, at - from));
  t.pieces_.push_back(all.substr(from));
  return t;
}

std::size_t request_template::size() const {
  std::size_t n = 0;
  for (const auto& p : pieces_) n += p.size();
  return n;
}

std::string request_template::body(const std::string& run_tag, unsigned connection, std::uint64_t sequence) const {
  std::string value;
  if (uuid_values_) {
    std::uint32_t tag_hash = 2166136261u;  // FNV-1a of the run tag
    for (unsigned char c : run_tag) tag_hash = (tag_hash ^ c) * 16777619u;
    char text[40];
    std::snprintf(text, sizeof text, "%08x-%04x-4000-8000-%012llx", tag_hash, connection & 0xffffu,
                  static_cast<unsigned long long>(sequence & 0xffffffffffffULL));
    value = text;
  } else {
    value = run_tag + "-" + std::to_string(connection) + "-" + std::to_string(sequence);
  }
  std::string out;
  out.reserve(size() + value.size() * pieces_.size());
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    if (i > 0) out += value;
    out += pieces_[i];
  }
  return out;
}

}  // namespace rg::bench
