#include "adapters/hl7v2/mapping_tables.hpp"

#include <string_view>

#include "adapters/hl7v2/feedback_v2_rules.hpp"
#include "adapters/hl7v2/ref_i12_rules.hpp"

namespace gateway::hl7v2 {
namespace {

std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

void row(std::string& out, std::string_view left, std::string_view right) {
  out += "| ";
  out += cell(left);
  out += " | ";
  out += cell(right);
  out += " |\n";
}

void feedback_table(std::string& out, std::string_view title, std::span<const feedback::row> rows) {
  out += title;
  out += "\n\n| FHIR element (feedback message) | v2 field |\n|---|---|\n";
  for (const auto& r : rows) row(out, r.fhir, r.v2);
  out += '\n';
}

}  // namespace

std::string mapping_tables_markdown() {
  std::string out =
      "### REF^I12 in: v2 field -> FHIR element (transaction Bundle)\n\n| v2 field | FHIR element |\n|---|---|\n";
  for (const auto& r : ref_i12::rules()) row(out, r.v2, r.fhir);
  out += '\n';
  feedback_table(out, "### MSH of RRI^I12 and ORU^R01 out: FHIR element -> v2 field", feedback::header_rows());
  feedback_table(out, "### RRI^I12 out (status changes): FHIR element -> v2 field", feedback::rri_rows());
  feedback_table(out, "### ORU^R01 out (outcomes): FHIR element -> v2 field", feedback::oru_rows());
  out.pop_back();  // one blank line less at the end
  return out;
}

}  // namespace gateway::hl7v2
