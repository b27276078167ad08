#pragma once
// How the SQL stores keep outbox values in their columns: times as milliseconds since the Unix
// epoch, the state as its name ('pending', 'delivered', 'dead': core::to_string and
// core::parse_outbox_state).

#include "gateway/core/store_outbox.hpp"

#include <chrono>
#include <cstdint>

namespace gateway::sql_store {

using outbox_clock = std::chrono::system_clock;

inline std::int64_t to_ms(outbox_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline outbox_clock::time_point from_ms(std::int64_t ms) {
  return outbox_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace gateway::sql_store
