#pragma once
// The mapping tables (ref_i12_rules.cpp, feedback_v2_rules.cpp) as Markdown, for README.md: the
// README shows exactly what the code does, and a unit test fails when they differ.
//
// Thread safety: pure function.
#include <string>

namespace gateway::hl7v2 {

std::string mapping_tables_markdown();

}  // namespace gateway::hl7v2
