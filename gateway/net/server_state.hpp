#pragma once
#include <atomic>
#include <cstddef>

namespace gateway::net {

// State shared by every connection of a server: read and written with atomics only.
struct server_state {
  std::atomic<bool> stopping{false};  // SIGTERM seen: answer in-flight requests, then close
  std::atomic<int> in_flight{0};      // requests read and not yet answered
  std::atomic<std::size_t> connections{0};
  std::size_t max_connections = 10'000;
};

}  // namespace gateway::net
