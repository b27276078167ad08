#pragma once
// The first step of every change to a stored resource (a referrer's update or cancel, the
// platform's Task update): read the current version, decide whether this caller may change it,
// and check the version the caller named. A refused read or access is audited (an "update"
// AuditEvent with a failure outcome); a stale version is the caller's to resolve, not audited.
// A resource the caller may not see answers not_found, exactly as a missing one.
#include <cstdint>
#include <optional>
#include <string>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/access_policy.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

struct change_target {
  std::string type;
  std::string id;
  core::access_action action = core::access_action::update_referral;
  std::string forbidden_message;  // why a caller of the wrong role may not change it
};

task<result<core::resource_record>> read_for_change(const context* ctx, caller who, request_meta meta,
                                                    change_target target, std::optional<std::int64_t> if_match);

}  // namespace gateway::app
