#pragma once
// What the accept loop does after a failed accept. Running out of file descriptors (EMFILE,
// ENFILE) or kernel memory leaves the pending connection in the backlog, so accepting again at
// once fails again at once: the loop waits instead, doubling the wait up to a cap while the
// failures last, and starts again from the shortest wait after an accept succeeds. Existing
// connections are served meanwhile (the wait is a timer, not a sleep). Failures that concern only
// the one connection (it was reset before we took it) are retried at once.
//
// Plain state; the accept loop (server.cpp) owns one per listener.
#include <algorithm>
#include <cerrno>
#include <chrono>

namespace gateway::net {

class accept_backoff {
 public:
  static constexpr std::chrono::milliseconds first_wait{5};
  static constexpr std::chrono::milliseconds max_wait{1'000};

  // The wait before the next accept after a failure with this errno value (zero: try again now).
  std::chrono::milliseconds failed(int error) {
    if (error != EMFILE && error != ENFILE && error != ENOBUFS && error != ENOMEM) return std::chrono::milliseconds(0);
    wait_ = wait_.count() == 0 ? first_wait : std::min(wait_ * 2, max_wait);
    return wait_;
  }
  void succeeded() { wait_ = std::chrono::milliseconds(0); }
  // True while resources are short: the first failure of a run starts it (for one log line).
  bool backing_off() const { return wait_.count() != 0; }

 private:
  std::chrono::milliseconds wait_{0};
};

}  // namespace gateway::net
