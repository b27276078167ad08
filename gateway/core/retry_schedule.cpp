#include "gateway/core/retry_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace gateway::core {

std::string describe(const delivery_result& r) {
  std::string text;
  switch (r.what) {
    case delivery_result::kind::http_response:
      text = "HTTP " + std::to_string(r.http_status);
      break;
    case delivery_result::kind::timeout:
      text = "timeout";
      break;
    case delivery_result::kind::connection_refused:
      text = "connection refused";
      break;
    case delivery_result::kind::connection_lost:
      text = "connection lost";
      break;
    case delivery_result::kind::tls_failure:
      text = "TLS failure";
      break;
    case delivery_result::kind::transient_failure:
      text = "transient failure";
      break;
    case delivery_result::kind::permanent_failure:
      text = "permanent failure";
      break;
  }
  if (!r.detail.empty()) text += ": " + r.detail;
  return text;
}

bool is_retryable(const delivery_result& r) {
  switch (r.what) {
    case delivery_result::kind::http_response:
      return r.http_status == 408 || r.http_status == 429 || (r.http_status >= 500 && r.http_status <= 599);
    case delivery_result::kind::permanent_failure:
      return false;
    case delivery_result::kind::timeout:
    case delivery_result::kind::connection_refused:
    case delivery_result::kind::connection_lost:
    case delivery_result::kind::tls_failure:  // may be a receiver mid-rotation; dead-letters once out of attempts
    case delivery_result::kind::transient_failure:
      return true;
  }
  return false;
}

retry_schedule::retry_schedule(retry_policy policy, random_source random)
    : policy_(policy), random_(std::move(random)) {}

std::chrono::milliseconds retry_schedule::backoff(int attempts) const {
  // Computed in double so 2^attempts cannot overflow; capped before converting back.
  const double exponent = std::max(0, attempts - 1);
  const double ceiling = std::min(static_cast<double>(policy_.cap.count()),
                                  static_cast<double>(policy_.base.count()) * std::pow(2.0, std::min(exponent, 62.0)));
  const double r = std::clamp(random_ ? random_() : 1.0, 0.0, 1.0);
  return std::chrono::milliseconds{static_cast<std::int64_t>(r * ceiling)};
}

next_action retry_schedule::decide(const attempt_state& state, const delivery_result& result,
                                   std::chrono::system_clock::time_point now) const {
  if (is_delivered(result)) return {next_action::kind::delivered, {}, {}};
  const std::string error = describe(result);
  if (!is_retryable(result)) return {next_action::kind::dead, {}, error + " (not retryable)"};
  if (state.attempts >= policy_.max_attempts)
    return {next_action::kind::dead,
            {},
            "gave up after " + std::to_string(state.attempts) + " attempts; last error: " + error};
  auto delay = std::chrono::duration_cast<std::chrono::system_clock::duration>(backoff(state.attempts));
  if (result.retry_after)
    delay = std::max(delay, std::chrono::duration_cast<std::chrono::system_clock::duration>(*result.retry_after));
  const auto at = now + delay;
  if (at > state.created_at + policy_.max_age)
    return {next_action::kind::dead,
            {},
            "gave up: next attempt would be past the maximum age of " + std::to_string(policy_.max_age.count()) +
                "s; last error: " + error};
  return {next_action::kind::retry, at, error};
}

}  // namespace gateway::core
