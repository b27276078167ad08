#include "gateway/api/hl7v2/mllp_front_door.hpp"

#include <chrono>
#include <functional>

#include "adapters/hl7v2/ack_message.hpp"
#include "adapters/hl7v2/ref_i12_mapping.hpp"
#include "adapters/hl7v2/v2_intake_ack.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::api::hl7v2 {
namespace asio = boost::asio;
namespace v2 = gateway::hl7v2;
using clock_type = std::chrono::system_clock;

namespace {

// One answer: the ACK text, for the log the code, and whether to close afterwards.
struct reply {
  v2::ack_code code = v2::ack_code::aa;
  std::vector<v2::ack_problem> problems;
  clock_type::time_point at = clock_type::now();
  bool close = false;
  bool audited = false;            // the use case recorded the message (submission_outcome::audited)
  bool repeat = false;             // answered again from the control id's claim
  std::string service_request_id;  // the referral, when known
};

std::string ack_text(const v2::answered_header& answered, std::string_view organisation, const reply& r) {
  v2::ack_input in;
  in.answered = answered;
  in.code = r.code;
  in.problems = r.problems;
  in.control_id = v2::ack_control_id(organisation, answered.control_id);
  in.timestamp = v2::hl7_time(r.at);
  return v2::build_ack(in);
}

reply refuse(v2::ack_code code, v2::location at, v2::hl7_error_code hl7, std::string text, bool close = false) {
  reply r;
  r.code = code;
  r.problems.push_back({std::move(at), hl7, std::move(text)});
  r.close = close;
  return r;
}

void log_message(const net::mllp_context& context, std::string_view organisation, std::string_view control_id,
                 const reply& r, std::chrono::steady_clock::time_point started) {
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const bool accepted = r.code == v2::ack_code::aa;
  telemetry::write(accepted ? telemetry::level::info : telemetry::level::warn, "hl7v2 message",
                   {{"listener", std::string(context.listener)},
                    {"remote", context.remote_address},
                    {"organization", std::string(organisation)},
                    {"control_id", std::string(control_id.substr(0, 64))},
                    {"ack", std::string(to_string(r.code))},
                    {"problem", r.problems.empty() ? std::string() : to_string(r.problems.front().at)},
                    {"ms", ms}});
}

// Refusal issues about the Bundle as ERR problems, named by their v2 fields.
reply from_issues(v2::ack_code code, const v2::v2_referral& referral, const fhir::outcome& issues) {
  reply r;
  r.code = code;
  r.problems = v2::problems_from_issues(referral, issues);
  if (r.problems.empty()) r.problems.push_back({{}, v2::hl7_error_code::internal_error, "refused"});
  return r;
}

reply not_now(const fhir::outcome& issues) {
  std::string text = "the referral cannot be stored now; send it again later";
  for (const auto& i : issues.issues) {
    if (i.severity != fhir::severity::error) continue;
    text.append(" (").append(i.diagnostics).append(")");
    break;
  }
  return refuse(v2::ack_code::ar, {}, v2::hl7_error_code::internal_error, std::move(text));
}

// Steps 4-7 for an identified sender and a REF^I12 header that passed.
asio::awaitable<reply> accept(referral_port* port, const v2::message* m, std::string control_id, caller who) {
  auto find = std::bind_front(&referral_port::find_message, port, who.organisation, control_id);
  const message_lookup seen = co_await await_store<message_lookup>(std::move(find));
  if (seen.unavailable) co_return not_now(*seen.unavailable);
  if (seen.found) {
    reply again;  // the same ACK as the first time: same control id, same time
    again.at = seen.found->committed_at;
    again.repeat = true;
    again.service_request_id = seen.found->service_request_id;
    co_return again;
  }

  auto mapped = v2::map_ref_i12(*m, v2::ref_i12_context{who.organisation});
  if (!mapped) co_return refuse(v2::ack_code::ae, mapped.error().at, mapped.error().code, mapped.error().text);
  const fhir::outcome r4 = fhir::validate(mapped->bundle);
  if (!r4.ok()) co_return from_issues(v2::ack_code::ae, *mapped, r4);

  referral_submission submission{std::move(who), control_id, &mapped->bundle};
  auto submit = std::bind_front(&referral_port::submit, port, std::move(submission));
  const submission_outcome stored = co_await await_store<submission_outcome>(std::move(submit));
  reply r;
  switch (stored.what) {
    case submission_outcome::kind::created:
    case submission_outcome::kind::repeat_message:
      r.at = stored.committed_at;
      break;
    case submission_outcome::kind::repeat_referral:
      break;  // accepted before under another control id: this message's own ACK, now
    case submission_outcome::kind::refused:
      r = from_issues(v2::ack_code::ae, *mapped, stored.issues);
      break;
    case submission_outcome::kind::not_now:
      r = not_now(stored.issues);
      break;
  }
  r.audited = stored.audited;
  r.service_request_id = stored.service_request_id;
  co_return r;
}

// The message's one AuditEvent when the use case did not record it; AR (send it again) when the
// record cannot be stored, so no message is answered without its record.
asio::awaitable<reply> recorded(referral_port* port, caller who, std::string control_id, reply r) {
  if (r.audited) co_return r;
  message_record record;
  record.who = std::move(who);
  record.control_id = std::move(control_id);
  record.create = !r.repeat;
  record.service_request_id = r.service_request_id;
  record.accepted = r.code == v2::ack_code::aa;
  record.fault = r.code == v2::ack_code::ar && !r.close;
  record.outcome_text = "REF^I12 answered " + std::string(to_string(r.code));
  if (!r.problems.empty()) record.outcome_text += " (" + to_string(r.problems.front().at) + ")";
  auto store = std::bind_front(&referral_port::record, port, std::move(record));
  const bool stored = co_await await_store<bool>(std::move(store));
  if (stored) co_return r;
  reply refused = refuse(v2::ack_code::ar, {}, v2::hl7_error_code::internal_error,
                         "the audit trail cannot take this message's record now; nothing was stored, send it again");
  refused.close = r.close;
  co_return refused;
}

}  // namespace

mllp_front_door::mllp_front_door(referral_port& port, const sender_identity& senders, v2::parse_limits limits)
    : port_(port), senders_(senders), limits_(limits) {}

asio::awaitable<net::mllp_answer> mllp_front_door::handle(std::string text, net::mllp_context context) {
  const auto started = std::chrono::steady_clock::now();
  auto parsed = v2::parse_er7(text, limits_);
  if (!parsed) {
    const v2::answered_header answered = v2::header_from_text(text);
    // Without a control id the sender cannot tell which message this answers: reject and close.
    const bool uncorrelated = answered.control_id.empty();
    reply unread;
    unread.code = uncorrelated ? v2::ack_code::ar : v2::ack_code::ae;
    unread.problems.push_back(v2::problem_of(parsed.error()));
    unread.close = uncorrelated;
    auto record = recorded(&port_, unidentified_caller(*context.peer), answered.control_id, std::move(unread));
    const reply r = co_await std::move(record);
    log_message(context, {}, answered.control_id, r, started);
    co_return net::mllp_answer{ack_text(answered, answered.sending_facility, r), r.close};
  }
  const v2::message& m = *parsed;
  const v2::answered_header answered = v2::header_of(m);
  const std::string facility = answered.sending_facility;
  const auto who = senders_.identify(*context.peer, facility, context.remote_address);
  if (!who) {
    auto record = recorded(&port_, unidentified_caller(*context.peer), answered.control_id,
                           refuse(v2::ack_code::ar, m.header().where(4), v2::hl7_error_code::unknown_key,
                                  context.peer->present ? "the client certificate is not a known sender"
                                                        : "MSH-4 from this address is not a known sender",
                                  true));
    const reply r = co_await std::move(record);
    log_message(context, {}, answered.control_id, r, started);
    co_return net::mllp_answer{ack_text(answered, facility, r), true};
  }
  const std::string& org = who->organisation;
  reply r;
  if (auto p = v2::check_ref_i12_header(m)) {
    r = refuse(v2::ack_code::ar, p->at, p->code, p->text);
  } else {
    auto accepted = accept(&port_, &m, answered.control_id, *who);  // built outside the co_await (g++ 12)
    r = co_await std::move(accepted);
  }
  auto record = recorded(&port_, *who, answered.control_id, std::move(r));
  r = co_await std::move(record);
  log_message(context, org, answered.control_id, r, started);
  co_return net::mllp_answer{ack_text(answered, org, r), r.close};
}

std::string mllp_front_door::malformed(std::string_view reason, std::string_view partial, const net::mllp_context&) {
  const v2::answered_header answered = v2::header_from_text(partial);
  if (answered.control_id.empty()) return {};  // nothing the sender could match an answer to
  const reply r = refuse(v2::ack_code::ar, {}, v2::hl7_error_code::segment_sequence,
                         "the message was not received whole: " + std::string(reason), true);
  return ack_text(answered, answered.sending_facility, r);
}

}  // namespace gateway::api::hl7v2
