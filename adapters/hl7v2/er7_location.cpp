#include "adapters/hl7v2/er7_location.hpp"

namespace gateway::hl7v2 {

std::string to_string(const location& at) {
  if (at.segment.empty()) return "message";
  std::string out = at.segment;
  if (at.sequence > 1) out += "[" + std::to_string(at.sequence) + "]";
  if (at.field == 0) return out;
  out += "-" + std::to_string(at.field);
  if (at.repetition > 1) out += "(" + std::to_string(at.repetition) + ")";
  if (at.component > 0) out += "." + std::to_string(at.component);
  if (at.subcomponent > 0) out += "." + std::to_string(at.subcomponent);
  return out;
}

}  // namespace gateway::hl7v2
