#include "adapters/bars/progress_map.hpp"

#include <array>

namespace gateway::bars {
namespace {

using ts = core::task_status;

// clang-format off
constexpr std::array<progress_row, 14> table = {{
  // Task status      business status        ServiceRequest      Encounter           e-RS
  {ts::draft,         "",                    {"active",           "planned",          ""}},
  {ts::requested,     "",                    {"active",           "planned",          "AWAITING_TRIAGE"}},
  {ts::received,      "",                    {"active",           "planned",          "AWAITING_TRIAGE"}},
  {ts::ready,         "",                    {"active",           "planned",          "AWAITING_TRIAGE"}},
  // Accepted after triage: the service itself contacts the patient to arrange care.
  {ts::accepted,      "",                    {"active",           "triaged",          "DEFER_TO_PROVIDER"}},
  {ts::in_progress,   "contact-attempted",   {"active",           "triaged",          "DEFER_TO_PROVIDER"}},
  {ts::in_progress,   "not-reachable",       {"active",           "triaged",          "DEFER_TO_PROVIDER"}},
  // Care under way (first contact made, stepped up or down): booked into the service.
  {ts::in_progress,   "",                    {"active",           "in-progress",      "BOOKED"}},
  {ts::on_hold,       "",                    {"on-hold",          "in-progress",      ""}},
  {ts::rejected,      "",                    {"revoked",          "cancelled",        "REJECTED"}},
  {ts::cancelled,     "",                    {"revoked",          "cancelled",        "ENDED_CANCELLED"}},
  {ts::failed,        "",                    {"revoked",          "cancelled",        "ENDED_CLOSED"}},
  {ts::completed,     "",                    {"completed",        "finished",         "ENDED_CLOSED"}},
  {ts::entered_in_error, "",                 {"entered-in-error", "entered-in-error", ""}},
}};

constexpr std::array<std::string_view, 19> ers_states = {
    "REJECTED",       "TRIAGE_RESPONSE",  "AWAITING_TRIAGE",
    "NOT_BOOKED",     "DEFER_TO_PROVIDER", "BOOKED",
    "APPOINTMENT_CANCELLED_BY_PATIENT",   "APPOINTMENT_CANCELLED_BY_PROVIDER",
    "CARL",           "ARBL",             "CARBL_OR_ARL",
    "INCOMPLETE",     "PROVIDER_RESPONSE_REQUIRED",
    "REFERRER_TO_SUBMIT_FURTHER_INFORMATION", "REFERRER_TO_REVIEW",
    "ENDED_CANCELLED", "ENDED_CLOSED",    "ADVICE_CONVERTED",
    "TO_BE_CONVERTED",
};
// clang-format on

}  // namespace

std::span<const progress_row> progress_table() {
  return table;
}

std::span<const std::string_view> ers_referral_states() {
  return ers_states;
}

progress_state progress_for(core::task_status task, std::string_view business_status) {
  for (const auto& row : table)
    if (row.task == task && (row.business_status.empty() || row.business_status == business_status)) return row.state;
  return {"active", "planned", ""};  // unreachable: every Task status has a default row
}

}  // namespace gateway::bars
