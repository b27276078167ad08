#pragma once
// FHIR request priority (routine | urgent | asap | stat), ordered by urgency. Triage may raise a
// referral's priority but never lower it, so "max" here means "most urgent".
//
// Thread safety: pure functions over an enum.

#include <optional>
#include <string_view>

namespace gateway::core {

// Declared least to most urgent so that std::max gives the more urgent one.
enum class request_priority { routine, urgent, asap, stat };

std::optional<request_priority> parse_request_priority(std::string_view code);
std::string_view to_string(request_priority p);

// The sort rank the Task work queue uses for `_sort=priority`: stat=0, asap=1, urgent=2,
// routine=3 (ascending rank = most urgent first).
int priority_rank(request_priority p);

}  // namespace gateway::core
