#pragma once
// The core's data files (config/triage-rules.json and config/codesystem-*.json) compiled into the
// library, so the gateway binary has working defaults without depending on a runtime path. The
// build generates the definitions from the files themselves (gateway/core/CMakeLists.txt), so the
// files stay the single source; a configured path may still override them at start-up.
//
// Thread safety: views of static storage, valid for the whole program.

#include <string_view>

namespace gateway::core::embedded {

std::string_view triage_rules_json();
std::string_view business_status_code_system_json();
std::string_view outcome_summary_code_system_json();
std::string_view triage_suggestion_code_system_json();

}  // namespace gateway::core::embedded
