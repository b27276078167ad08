#include "tools/gatewayctl/validate_command.hpp"

#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>

#include "fhir/json_parse.hpp"
#include "gateway/core/validate_operation.hpp"

namespace rg::gatewayctl {
namespace {

struct validate_args {
  std::string type;
  std::vector<std::string> files;
};

std::optional<validate_args> parse_args(const std::vector<std::string>& args, std::ostream& err) {
  validate_args parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--type") {
      if (i + 1 == args.size()) {
        err << "gatewayctl validate: --type needs a resource type\n";
        return std::nullopt;
      }
      parsed.type = args[++i];
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      err << "gatewayctl validate: unknown option " << args[i] << "\n";
      return std::nullopt;
    } else {
      parsed.files.push_back(args[i]);
    }
  }
  if (parsed.files.empty()) {
    err << "usage: gatewayctl validate [--type TYPE] FILE...\n";
    return std::nullopt;
  }
  return parsed;
}

// The whole file, or nullopt when it cannot be read. Reads one byte past the JSON limit so an
// oversized file is reported by the parser (as the server would) without reading all of it.
std::optional<std::string> read_bounded(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return std::nullopt;
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

std::vector<std::string> outcome_lines(std::string_view file, const fhir::outcome& outcome) {
  std::vector<std::string> lines;
  for (const auto& i : outcome.issues) {
    if (i.severity == fhir::severity::information) continue;
    std::string line(file);
    line += ": ";
    line += i.expression.empty() ? std::string("-") : i.expression;
    line += ": ";
    if (i.severity == fhir::severity::warning) line += "warning: ";
    if (i.severity == fhir::severity::information) line += "information: ";
    line += i.diagnostics;
    lines.push_back(std::move(line));
  }
  return lines;
}

int run_validate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const auto parsed = parse_args(args, err);
  if (!parsed) return 2;
  bool all_valid = true;
  bool unreadable = false;
  for (const auto& file : parsed->files) {
    gateway::core::validate_request request;
    const auto text = read_bounded(file, request.limits.max_bytes);
    if (!text) {
      err << file << ": cannot read the file\n";
      unreadable = true;
      continue;
    }
    request.body = *text;
    request.url_type = parsed->type;
    request.unwrap_parameters = false;  // the file is the resource it is
    const auto result = gateway::core::validate_operation(request);
    fhir::outcome outcome;
    if (result) {
      outcome = *result;
    } else {
      outcome = fhir::make_outcome(fhir::severity::error, fhir::issue_code::invalid, result.error().message,
                                   result.error().expression);
    }
    if (!outcome.ok()) all_valid = false;
    for (const auto& line : outcome_lines(file, outcome)) out << line << "\n";
  }
  out.flush();
  if (unreadable) return 2;
  return all_valid ? 0 : 1;
}

}  // namespace rg::gatewayctl
