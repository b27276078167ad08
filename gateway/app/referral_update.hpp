#pragma once
// Use cases: a referrer changes or cancels its referral (FHIR PUT /ServiceRequest/{id}; BaRS and
// HL7 v2 cancellations through the same calls). The referral must be the caller's own (anyone
// else's answers not_found, as a missing one) and still open; the new version passes the
// referral profile (status active, on-hold or revoked), keeps the referral identifier, the
// patient and the requester, is re-triaged, and is stored with a referral.updated or
// referral.cancelled event and its AuditEvent (core::plan_referral_update). Revoking also
// cancels the referral's Task (unless it is finished already), in the same unit of work.
//
// Versions: with `if_match`, the change applies only to that version of the referral
// (precondition_failed otherwise). Without it, a change that races another (the referral or its
// Task moved between read and commit) is merged onto the new version and committed again.
//
// Thread safety: the service is immutable; calls may run concurrently. The documents the command
// points at must outlive the task.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <rapidjson/document.h>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

struct referral_update_command {
  caller who;
  request_meta meta;
  std::string id;                                     // the stored referral's id
  const rapidjson::Value* service_request = nullptr;  // the new version, R4-valid
  std::optional<std::int64_t> if_match;               // the version it replaces; nullopt: the current one
};

struct referral_cancel_command {
  caller who;
  request_meta meta;
  // The referral: its id, or the identifier the caller's organisation gave it.
  std::variant<std::string, core::identifier> referral;
  std::optional<std::int64_t> if_match;
  unit_extension with_unit;  // records of the front door's own, committed with the cancellation; empty: none
};

class referral_update_service {
 public:
  explicit referral_update_service(const context& ctx) : ctx_(ctx) {}

  // The stored referral as it is after the change.
  task<result<core::resource_record>> update(referral_update_command command) const;
  // The stored referral as revoked, the same change update() makes for a revoked version.
  task<result<core::resource_record>> cancel(referral_cancel_command command) const;

 private:
  using attempt_result = std::optional<result<core::resource_record>>;  // nullopt: try again
  task<result<core::resource_record>> change(caller who, request_meta meta, std::string id,
                                             const rapidjson::Value* body, std::optional<std::int64_t> if_match,
                                             unit_extension with_unit) const;
  task<attempt_result> attempt(caller who, request_meta meta, std::string id, const rapidjson::Value* body,
                               std::optional<std::int64_t> if_match, unit_extension with_unit) const;

  const context& ctx_;
};

}  // namespace gateway::app
