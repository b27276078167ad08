#pragma once
// Reading v2 values for the v2 -> FHIR mapping: decoded text of any part of a segment, and the
// composite data types the referral needs as FHIR JSON (XPN -> HumanName, XAD -> Address,
// XTN -> ContactPoint, CWE -> Coding/CodeableConcept).
//
// A value that cannot be decoded (a \X..\ escape giving bytes invalid in MSH-18's character set)
// reads as empty and is remembered: the mapping checks problem() before it trusts its result, so
// nothing is silently dropped.
//
// Thread safety: one reader per mapping run.
#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/er7_message.hpp"
#include "adapters/hl7v2/mapping_problem.hpp"

namespace gateway::hl7v2 {

class v2_reader {
 public:
  using allocator = rapidjson::Document::AllocatorType;

  explicit v2_reader(const message& m) : message_(m) {}

  const message& msg() const { return message_; }

  // Decoded UTF-8 text ("" when absent or the explicit null ""), see segment::raw for levels.
  std::string text(const segment& s, std::size_t field, std::size_t repetition = 1, std::size_t component = 1,
                   std::size_t subcomponent = 0) const;
  // Every repetition of a text field (FT/TX/ST), joined by line feeds; empty ones skipped.
  std::string all_text(const segment& s, std::size_t field) const;

  // XPN -> HumanName; a null Value when the repetition names nobody.
  rapidjson::Value human_name(const segment& s, std::size_t field, std::size_t repetition, allocator& a) const;
  // XAD -> Address; null when empty.
  rapidjson::Value address(const segment& s, std::size_t field, std::size_t repetition, allocator& a) const;
  // XTN -> ContactPoint; null when empty. `default_use` applies when XTN-2 says nothing.
  rapidjson::Value contact_point(const segment& s, std::size_t field, std::size_t repetition,
                                 std::string_view default_use, allocator& a) const;
  // CWE (code ^ text ^ coding system) -> Coding (system from table 0396 names, or `fallback_system`
  // when none is named); null when there is no code.
  rapidjson::Value coding(const segment& s, std::size_t field, std::size_t repetition, std::string_view fallback_system,
                          allocator& a) const;
  // CWE -> CodeableConcept with the coding (if any) and the text; null when both are empty.
  rapidjson::Value codeable_concept(const segment& s, std::size_t field, std::size_t repetition,
                                    std::string_view fallback_system, allocator& a) const;

  // The first value that could not be decoded.
  const std::optional<mapping_problem>& problem() const { return problem_; }

 private:
  const message& message_;
  mutable std::optional<mapping_problem> problem_;
};

}  // namespace gateway::hl7v2
