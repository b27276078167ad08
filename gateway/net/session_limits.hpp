#pragma once
#include <chrono>
#include <cstddef>

namespace gateway::net {

// Bounds on every read and write of one connection (from configuration).
struct session_limits {
  std::size_t header_bytes = 16 * 1024;
  std::size_t body_bytes = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds handshake_timeout{10'000};
};

}  // namespace gateway::net
