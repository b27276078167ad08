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
  if (marker.empty() || all.find(marker) == std::string::npos) {
    error = file + " does not contain \"" + marker + "\"";
    return std::nullopt;
  }
  request_template t;
  std::size_t from = 0;
  for (std::size_t at = all.find(marker); at != std::string::npos; at = all.find(marker, from)) {
    t.pieces_.push_back(all.substr(from, at - from));
    from = at + marker.size();
  }
  t.pieces_.push_back(all.substr(from));
  return t;
}

std::size_t request_template::size() const {
  std::size_t n = 0;
  for (const auto& p : pieces_) n += p.size();
  return n;
}

std::string request_template::body(const std::string& run_tag, unsigned connection, std::uint64_t sequence) const {
  std::string unique = run_tag;
  unique += '-';
  unique += std::to_string(connection);
  unique += '-';
  unique += std::to_string(sequence);
  std::string out;
  out.reserve(size() + (pieces_.size() - 1) * unique.size());
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    if (i > 0) out += unique;
    out += pieces_[i];
  }
  return out;
}

}  // namespace rg::bench
