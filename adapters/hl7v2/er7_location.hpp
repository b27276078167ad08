#pragma once
// Where something is in an HL7 v2 message, in the terms a v2 engineer uses: the segment id and
// which occurrence of it, then field, repetition, component and subcomponent (all 1-based; 0 means
// "the whole of the level above"). It names parse errors, mapping errors and ACK ERR-2 locations.
//
// Thread safety: a plain value.
#include <cstddef>
#include <string>

namespace gateway::hl7v2 {

struct location {
  std::string segment;         // "PID"; empty for the message as a whole
  std::size_t sequence = 1;    // the occurrence of this segment id in the message (OBX 2 of 5)
  std::size_t field = 0;       // PID-3
  std::size_t repetition = 0;  // the repetition of a repeating field, when it matters
  std::size_t component = 0;
  std::size_t subcomponent = 0;

  bool operator==(const location&) const = default;
};

// "PID-3", "PID-3.4", "OBX[2]-5", "PID-3(2).4.1" (repetition in brackets when not the first),
// "MSH" for a segment alone, "message" when there is no segment.
std::string to_string(const location& at);

}  // namespace gateway::hl7v2
