#pragma once
// Writing HL7 v2 messages: segments built from plain UTF-8 values, escaped and joined with the
// default delimiters (|^~\&), each segment ended by CR. Trailing empty fields, repetitions,
// components and subcomponents are not written. MSH-1 and MSH-2 are written from the delimiters.
// An explicit null is written as `""` (set_null).
//
// Thread safety: a builder belongs to one thread; write() is const.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/er7_delimiters.hpp"

namespace gateway::hl7v2 {

class segment_builder {
 public:
  explicit segment_builder(std::string id) : id_(std::move(id)) {}

  // All 1-based. set(f, text) sets the first repetition's first component's first subcomponent.
  segment_builder& set(std::size_t field, std::string_view text) { return set(field, 1, 1, 1, text); }
  segment_builder& set(std::size_t field, std::size_t component, std::string_view text) {
    return set(field, 1, component, 1, text);
  }
  segment_builder& set(std::size_t field, std::size_t repetition, std::size_t component, std::size_t subcomponent,
                       std::string_view text);
  // The explicit null `""` for a whole field ("delete the value" in HL7).
  segment_builder& set_null(std::size_t field);

  const std::string& id() const { return id_; }
  void write(std::string& out, const delimiters& d) const;

 private:
  struct leaf {
    std::string text;
    bool null = false;
  };
  using component = std::vector<leaf>;        // subcomponents
  using repetition = std::vector<component>;  // components
  using field = std::vector<repetition>;      // repetitions
  std::string id_;
  std::vector<field> fields_;  // fields_[0] = field 1
};

class message_builder {
 public:
  explicit message_builder(delimiters d = {}) : delims_(d) {}
  // The new segment; the reference stays valid while the builder lives.
  segment_builder& add(std::string id);
  const delimiters& delims() const { return delims_; }
  // Every segment ended by CR (the last too), as MLLP peers expect.
  std::string write() const;

 private:
  delimiters delims_;
  std::deque<segment_builder> segments_;  // stable references: add() hands one out
};

}  // namespace gateway::hl7v2
