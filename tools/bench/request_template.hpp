#pragma once
// A request body made from a template file by replacing one marker string (the referral
// identifier value) with a value unique to each request, so every POST creates a new referral
// instead of answering 200 with the one already stored.
#include <cstdint>
#include <optional>
#include <string>

namespace rg::bench {

class request_template {
 public:
  // Reads `file` and splits it at the first occurrence of `marker`; nullopt (with `error` set)
  // when the file cannot be read or does not contain the marker.
  static std::optional<request_template> load(const std::string& file, const std::string& marker, std::string& error);

  // The body for request number `sequence` of connection `connection` in run `run_tag`.
  std::string body(const std::string& run_tag, unsigned connection, std::uint64_t sequence) const;

  std::size_t size() const { return prefix_.size() + suffix_.size(); }

 private:
  std::string prefix_;
  std::string suffix_;
};

}  // namespace rg::bench
