#pragma once
// Makes feedback for the delivery benchmark: for each of `count` referrals, a referrer posts a
// new referral and the platform moves its Task from requested to received (PUT /Task with
// If-Match), which queues one status-update FHIR message for the referrer.
#include <chrono>
#include <cstdint>
#include <string>

#include "tools/bench/load_client.hpp"
#include "tools/bench/request_template.hpp"

namespace rg::bench {

struct feedback_options {
  target_spec referrer;  // the gateway, with the referrer's client certificate
  target_spec platform;  // the gateway, with the platform's client certificate
  const request_template* referral = nullptr;
  std::string run_tag;
  unsigned count = 1000;
  unsigned connections = 16;  // workers, each with one referrer and one platform connection
  unsigned threads = 1;
  std::chrono::milliseconds timeout{30000};
};

struct feedback_result {
  std::uint64_t made = 0;    // Task updates answered 200
  std::uint64_t failed = 0;  // any step answered otherwise or failed
  std::string first_failure;
  double seconds = 0;
};

feedback_result make_feedback(const feedback_options& options, std::string& error);

}  // namespace rg::bench
