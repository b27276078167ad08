#include "adapters/hl7v2/er7_location.hpp"

namespace gateway::hl7v2 {

std::string to_string(const location& at) {
  if (at.segment.empty()) return "message";
  // Appended piece by piece: g++ 12 warns (-Wrestrict, a false positive) on "x" + std::string(...).
  std::string out = at.segment;
  const auto number = [&out](char before, std::size_t n, const char* after = "") {
    out += before;
    out += std::to_string(n);
    out += after;
  };
  if (at.sequence > 1) number('[', at.sequence, "]");
  if (at.field == 0) return out;
  number('-', at.field);
  if (at.repetition > 1) number('(', at.repetition, ")");
  if (at.component > 0) number('.', at.component);
  if (at.subcomponent > 0) number('.', at.subcomponent);
  return out;
}

}  // namespace gateway::hl7v2
