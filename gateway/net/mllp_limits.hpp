#pragma once
#include <chrono>
#include <cstddef>

namespace gateway::net {

// Bounds on an MLLP connection (from configuration). The TLS handshake is bounded by the
// server's session_limits::handshake_timeout, as for HTTPS.
struct mllp_limits {
  std::size_t max_frame_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};  // start block to end of frame
  std::chrono::milliseconds idle_timeout{60'000};  // between frames
  std::chrono::milliseconds write_timeout{30'000};
};

}  // namespace gateway::net
