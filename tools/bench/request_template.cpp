#include "tools/bench/request_template.hpp"

#include <fstream>
#include <sstream>

namespace rg::bench {

std::optional<request_template> request_template::load(const std::string& file, const std::string& marker,
                                                       std::string& error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "cannot read " + file;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const auto at = all.find(marker);
  if (marker.empty() || at == std::string::npos) {
    error = file + " does not contain \"" + marker + "\"";
    return std::nullopt;
  }
  request_template t;
  t.prefix_ = all.substr(0, at);
  t.suffix_ = all.substr(at + marker.size());
  return t;
}

std::string request_template::body(const std::string& run_tag, unsigned connection, std::uint64_t sequence) const {
  std::string out;
  out.reserve(prefix_.size() + suffix_.size() + run_tag.size() + 32);
  out += prefix_;
  out += run_tag;
  out += '-';
  out += std::to_string(connection);
  out += '-';
  out += std::to_string(sequence);
  out += suffix_;
  return out;
}

}  // namespace rg::bench
