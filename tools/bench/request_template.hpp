#pragma once
// A request body made from a template file by replacing a marker string (the referral
// identifier value), wherever it occurs (an HL7 v2 message's MSH-10 and RF1-6 share it), with a
// value unique to each request, so every request creates a new referral instead of answering with
// the one already stored. The value is "TAG-CONNECTION-SEQUENCE", or with `uuid_values` a UUID
// made of the same three (a BaRS message names its ServiceRequest and itself by UUIDs).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rg::bench {

class request_template {
 public:
  // Reads `file` and splits it at each occurrence of `marker`; nullopt (with `error` set) when
  // the file cannot be read or does not contain the marker.
  static std::optional<request_template> load(const std::string& file, const std::string& marker, std::string& error,
                                              bool uuid_values = false);

  // The body for request number `sequence` of connection `connection` in run `run_tag`.
  std::string body(const std::string& run_tag, unsigned connection, std::uint64_t sequence) const;

  std::size_t size() const;

 private:
  std::vector<std::string> pieces_;  // the text between the markers (one more than markers)
  bool uuid_values_ = false;
};

}  // namespace rg::bench
