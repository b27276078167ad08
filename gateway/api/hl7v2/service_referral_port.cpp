#include "gateway/api/hl7v2/service_referral_port.hpp"

#include <boost/asio/post.hpp>

#include <ctime>
#include <exception>
#include <memory>
#include <optional>

#include "gateway/app/audit_trail.hpp"
#include "gateway/app/services.hpp"
#include "gateway/core/transaction_bundle.hpp"

namespace gateway::api::hl7v2 {
namespace {

// A store instant ("2024-05-01T10:00:00.123Z", core::format_store_instant) as a time point;
// the epoch when it cannot be read (never for what the store wrote).
std::chrono::system_clock::time_point instant_time(const std::string& instant) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(instant.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &millis) < 6)
    return {};
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(::timegm(&tm)) + std::chrono::milliseconds(millis);
}

bool worth_sending_again(app::refusal_kind kind) {
  return kind == app::refusal_kind::too_busy || kind == app::refusal_kind::unavailable ||
         kind == app::refusal_kind::gateway_fault;
}

fhir::outcome fault(std::string_view what) {
  return fhir::make_outcome(fhir::severity::error, fhir::issue_code::processing, std::string(what));
}

// What a submission keeps alive while its use case runs: the Bundle's entries, which the command
// points into.
struct submission_state {
  core::transaction_referral entries;
  core::store_callback<submission_outcome> done;
  std::shared_ptr<app::audit_mark> audited = std::make_shared<app::audit_mark>();
};

void finish_submission(const std::shared_ptr<submission_state>& state, std::exception_ptr error,
                       std::optional<app::result<app::referral_created>> value) {
  submission_outcome out;
  if (error || !value) {
    out.what = submission_outcome::kind::not_now;
    out.issues = fault("the referral use case failed");
  } else if (!*value) {
    app::refusal r = std::move(*value).error();
    out.what = worth_sending_again(r.kind) ? submission_outcome::kind::not_now : submission_outcome::kind::refused;
    out.issues = std::move(r.details);
  } else {
    const app::referral_created& c = **value;
    out.service_request_id = c.service_request.id;
    if (c.created) {
      out.what = submission_outcome::kind::created;
      out.committed_at = instant_time(c.service_request.last_updated);
    } else if (c.message) {
      out.what = submission_outcome::kind::repeat_message;
      out.committed_at = instant_time(c.message->first_committed);
    } else {
      out.what = submission_outcome::kind::repeat_referral;
    }
  }
  out.audited = state->audited->recorded.load();
  state->done(std::move(out));
}

}  // namespace

void service_referral_port::posting_resumer::resume_later(std::coroutine_handle<> handle) {
  boost::asio::post(executor_, [handle] { handle.resume(); });
}

service_referral_port::service_referral_port(const app::services& services, boost::asio::any_io_executor executor,
                                             std::string base_url)
    : services_(services), base_url_(std::move(base_url)), resumer_(std::move(executor)) {}

void service_referral_port::find_message(std::string organisation, std::string control_id,
                                         core::store_callback<message_lookup> done) {
  app::task<app::result<std::optional<app::stored_message>>> work = services_.referral_create.find_message(
      std::move(organisation), {message_control_id_system, std::move(control_id)});
  app::start(
      std::move(work), resumer_,
      [done = std::move(done)](std::exception_ptr error,
                               std::optional<app::result<std::optional<app::stored_message>>> value) mutable {
        message_lookup out;
        if (error || !value) {
          out.unavailable = fault("the message lookup failed");
        } else if (!*value) {
          out.unavailable = std::move(*value).error().details;
        } else if (**value) {
          out.found = acknowledged_message{(**value)->service_request_id, instant_time((**value)->first_committed)};
        }
        done(std::move(out));
      });
}

void service_referral_port::submit(referral_submission submission, core::store_callback<submission_outcome> done) {
  auto entries = core::read_transaction_referral(*submission.bundle);
  if (!entries) {  // the mapping builds what this reads: a fault of ours
    submission_outcome out;
    out.what = submission_outcome::kind::refused;
    out.issues = app::refusal_from_core(entries.error()).details;
    done(std::move(out));
    return;
  }
  auto state = std::make_shared<submission_state>(submission_state{std::move(*entries), std::move(done)});
  app::referral_create_command command{
      submission.who,
      app::request_meta{submission.message_control_id, {}, app::front_door::hl7v2_mllp, base_url_, state->audited},
      app::bundled_referral{submission.bundle, &state->entries},
      {}};
  command.message_id = core::identifier{message_control_id_system, submission.message_control_id};
  app::task<app::result<app::referral_created>> work = services_.referral_create.create(std::move(command));
  app::start(std::move(work), resumer_,
             [state](std::exception_ptr error, std::optional<app::result<app::referral_created>> value) {
               finish_submission(state, error, std::move(value));
             });
}

void service_referral_port::record(message_record record, core::store_callback<bool> done) {
  app::audited_access access;
  access.action = record.create ? core::audit_action::create : core::audit_action::read;
  access.interaction = "create";
  if (!record.service_request_id.empty()) {
    access.entity_type = "ServiceRequest";
    access.entity_id = std::move(record.service_request_id);
  }
  access.success = record.accepted;
  access.server_fault = record.fault;
  access.outcome_text = std::move(record.outcome_text);
  app::record_access(services_.ctx, record.who,
                     app::request_meta{std::move(record.control_id), {}, app::front_door::hl7v2_mllp, base_url_, {}},
                     access,
                     [done = std::move(done)](core::commit_outcome stored) mutable { done(stored.has_value()); });
}

}  // namespace gateway::api::hl7v2
