#pragma once
// How the SQL stores keep outbox values in their columns: times as milliseconds since the Unix
// epoch, the state as its name ('pending', 'delivered', 'dead').

#include "gateway/core/store_outbox.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace gateway::sql_store {

using outbox_clock = std::chrono::system_clock;

inline std::int64_t to_ms(outbox_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline outbox_clock::time_point from_ms(std::int64_t ms) {
  return outbox_clock::time_point(std::chrono::milliseconds(ms));
}

inline gateway::core::outbox_state outbox_state_from(const std::string& s) {
  if (s == "delivered") return gateway::core::outbox_state::delivered;
  if (s == "dead") return gateway::core::outbox_state::dead;
  return gateway::core::outbox_state::pending;
}

inline const char* outbox_state_name(gateway::core::outbox_state s) {
  switch (s) {
    case gateway::core::outbox_state::delivered:
      return "delivered";
    case gateway::core::outbox_state::dead:
      return "dead";
    case gateway::core::outbox_state::pending:
      break;
  }
  return "pending";
}

}  // namespace gateway::sql_store
