#pragma once
// `gatewayctl validate [--type TYPE] FILE...`: each file through the same
// gateway::core::validate_operation as POST /fhir/$validate (or /fhir/TYPE/$validate with --type),
// so the command line and the server give the same answers.
//
// Output, one problem a line on stdout: `FILE: EXPRESSION: MESSAGE` for errors and
// `FILE: EXPRESSION: warning: MESSAGE` for warnings ("-" when an issue names no element).
// A request the server would refuse with 4xx (not JSON, bad Parameters, wrong type) is printed the
// same way and counts as invalid. Exit status: 0 all files valid, 1 any invalid, 2 usage error or a
// file that cannot be read.

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/outcome.hpp"

namespace rg::gatewayctl {

// The lines printed for one file's outcome (information issues are not printed).
std::vector<std::string> outcome_lines(std::string_view file, const fhir::outcome& outcome);

int run_validate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rg::gatewayctl
