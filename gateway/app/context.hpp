#pragma once
// What the use-case services share: the store port, the triage rules, the platform's settings,
// the referrers' feedback destinations, and the sources of ids and time (injectable so tests
// are repeatable). Built once by the wiring (gateway/application.cpp) from configuration;
// immutable afterwards, so any thread may read it.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "gateway/core/feedback_message.hpp"

namespace gateway::core {
class store;
struct triage_rules;
}  // namespace gateway::core

namespace gateway::app {

class audit_path;

struct context {
  core::store* store = nullptr;
  // The bounded path of access audits (audit_path.hpp); null: unbounded (unit tests).
  audit_path* audit = nullptr;
  const core::triage_rules* triage_rules = nullptr;
  std::string platform_org;  // ODS code of the platform: owner of every Task
  std::string event_source;  // CloudEvents "source" of triage events, MessageHeader.source
  // Configured referrers (referrers[]); a referrer not listed gets urn:ods:<ODS> and the
  // ServiceRequest by reference.
  std::vector<core::feedback_destination> referrers;
  std::function<std::string()> new_id;  // a new UUID (the gateway: time_ordered_uuid)
  std::function<std::chrono::system_clock::time_point()> now;
  // Service level: an urgent referral's Task not accepted within this raises referral.overdue
  // (service_level.hpp); zero: no check.
  std::chrono::milliseconds urgent_accept_within{0};

  core::feedback_destination feedback_destination_for(const std::string& organisation) const {
    for (const auto& r : referrers) {
      if (r.organisation == organisation) return r;
    }
    return core::feedback_destination{organisation, {}, false};
  }
};

}  // namespace gateway::app
