#pragma once
// Synthetic referrals for scale benchmarks (`gatewayctl preload`): each one the unit of work the
// referral create service (gateway/app/referral_create.cpp) would commit for a plain
// POST /ServiceRequest from a practice, made by the same code: check_referral (the profile's
// normalisation and the access check for the practice as caller), the configured triage rules,
// and core::plan_referral_create (ServiceRequest, Patient on first referral per NHS number and
// practice, identifier claim, Task, triage event, AuditEvent).
//
// The data is fake but well formed: NHS numbers from the 999 range (not issued to people) with
// a correct modulus-11 check digit, names from a short list, referral identifiers SYN-<n> under
// a per-practice system. Practices: `organisations` ODS codes, the first one `first_organisation`
// (a configured practice, so a benchmark can ask as it), the others Y00001, Y00002, ...;
// referral n comes from practice n mod organisations, so per-practice queries are selective.
// About one in ten referrals is urgent; one in twenty is a patient the practice referred before
// (the stored Patient is reused, as the create service does). Ids are version-7 UUIDs of the
// unit's time, as the gateway makes them, with bits from a seeded generator: the same settings
// give the same units.
//
// A referral can also come with its Task accepted later (`accept_at`): the unit of work the Task
// update service (gateway/app/task_update.cpp) commits for the platform's PUT /Task moving it from
// requested to accepted, made by core::merge_task_update and core::plan_task_update (Task version 2,
// the referrer's status-update feedback message, the AuditEvent), so older referrals leave the
// work queue as they do in service and leave outbox and Task history behind.
//
// Thread safety: one thread per instance.

#include "gateway/core/code_system.hpp"
#include "gateway/core/store_records.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

namespace gateway::core {
struct triage_rules;
}

namespace rg::preload {

struct synthetic_settings {
  std::size_t organisations = 200;
  std::string first_organisation = "A81001";
  std::string platform_org;  // owner of every Task (platform.organization)
  std::string event_source;  // triage events' source (platform.event_source)
  const gateway::core::triage_rules* rules = nullptr;
  std::uint64_t seed = 1;
};

// A valid-format NHS number for `n`: 999 then six digits from n mod 1,000,000, then the modulus-11
// check digit (where that would be 10, the next six digits' number). Numbers repeat: a number
// that comes again for the same practice is that practice's stored Patient again.
std::string synthetic_nhs_number(std::uint64_t n);

// The ODS code of practice `k` (0 <= k < organisations).
std::string synthetic_organisation(const synthetic_settings& s, std::size_t k);

struct synthetic_referral {
  gateway::core::unit_of_work create;                 // commit at `now`
  std::optional<gateway::core::unit_of_work> accept;  // commit at `accept_at` (after create)
};

class synthetic_referrals {
 public:
  using time_point = std::chrono::system_clock::time_point;
  explicit synthetic_referrals(synthetic_settings settings);

  // The next referral, created at `now` and, given `accept_at`, its Task accepted then; an error
  // names why the create or update path refused it (a bug in the template, never expected).
  boost::system::result<synthetic_referral, std::string> next(time_point now,
                                                              std::optional<time_point> accept_at = std::nullopt);

  std::uint64_t made() const noexcept { return made_; }

 private:
  std::string new_id();
  boost::system::result<gateway::core::unit_of_work, std::string> accept(const gateway::core::resource_write& sr,
                                                                         const gateway::core::resource_write& task,
                                                                         const std::string& ods, time_point created,
                                                                         time_point at);

  synthetic_settings settings_;
  gateway::core::code_system business_status_;
  gateway::core::code_system outcome_codes_;
  std::mt19937_64 random_;
  std::uint64_t made_ = 0;
  std::uint64_t id_ms_ = 0;  // the time in the ids being made (the unit's commit time)
  std::uint64_t next_patient_ = 0;
  std::unordered_map<std::string, std::string> patients_;  // NHS number + practice -> stored Patient id
};

}  // namespace rg::preload
