#pragma once
// When to try a delivery again (issue 5 item 1): a pure state machine the dispatcher drives with
// each attempt's result. Exponential back-off with full jitter (delay = random[0,1) x
// min(cap, base x 2^(attempts-1)), AWS architecture blog "Exponential Backoff And Jitter"),
// honouring the receiver's Retry-After as a lower bound.
//
// Classification: 2xx delivered; 408, 429, 5xx, timeout, refused connection, connection lost,
// TLS failure and other transient transport failures are retried; any other HTTP status (other
// 3xx, since redirects are not followed, and 4xx) and permanent failures (e.g. an HL7 v2 AR/AE the
// adapter judged permanent) go to dead-letter at once. When attempts or age run out the item
// goes to dead-letter with its last error.
//
// Thread safety: retry_schedule is immutable after construction; decide() is const. The injected
// random source is called from the calling thread; give each dispatcher thread its own schedule
// or a thread-safe source.

#include "gateway/core/delivery_port.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace gateway::core {

struct retry_policy {
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{std::chrono::minutes{5}};
  int max_attempts = 12;
  std::chrono::seconds max_age{std::chrono::hours{24}};
};

struct attempt_state {
  int attempts = 1;  // attempts made, including the one whose result is being decided
  std::chrono::system_clock::time_point created_at{};
};

struct next_action {
  enum class kind { delivered, retry, dead };
  kind what = kind::delivered;
  std::chrono::system_clock::time_point retry_at{};  // for retry
  std::string error;                                 // for retry and dead: what went wrong
};

// Human-readable description of a failed result: "HTTP 503", "TLS failure: certificate verify failed".
std::string describe(const delivery_result& r);

// Whether a result is worth retrying (false for delivered results and permanent failures).
bool is_retryable(const delivery_result& r);

class retry_schedule {
 public:
  // Returns a uniformly distributed value in [0, 1).
  using random_source = std::function<double()>;

  retry_schedule(retry_policy policy, random_source random);

  next_action decide(const attempt_state& state, const delivery_result& result,
                     std::chrono::system_clock::time_point now) const;

  // The jittered back-off for the retry after `attempts` failed attempts (without Retry-After).
  std::chrono::milliseconds backoff(int attempts) const;

  const retry_policy& policy() const noexcept { return policy_; }

 private:
  retry_policy policy_;
  random_source random_;
};

}  // namespace gateway::core
