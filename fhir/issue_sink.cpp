#include <string>

#include "fhir/validation_context.hpp"

namespace fhir::detail {

std::string render_path(const path_node* p) {
  // Collect root-first; paths are at most the JSON depth long (64 by default).
  const path_node* chain[128];
  std::size_t n = 0;
  for (; p != nullptr && n < std::size(chain); p = p->parent) chain[n++] = p;
  std::string out;
  for (std::size_t i = n; i-- > 0;) {
    if (!out.empty()) out += '.';
    out.append(chain[i]->name);
    if (chain[i]->index >= 0) {
      out += '[';
      out += std::to_string(chain[i]->index);
      out += ']';
    }
  }
  return out;
}

void issue_sink::add(severity s, issue_code c, std::string diagnostics, const path_node* at) {
  if (out_.capped) return;
  // Warnings and information have their own cap: a resource with many best-practice warnings
  // (dom-6 on every entry of a large Bundle) keeps being checked for errors.
  if (s != severity::error) {
    if (minor_ == cap_) {
      out_.issues.push_back(issue{severity::information,
                                  issue_code::processing,
                                  "more than " + std::to_string(cap_) + " warnings; the rest are not listed",
                                  {}});
    }
    if (minor_++ >= cap_) return;
    out_.issues.push_back(issue{s, c, std::move(diagnostics), render_path(at)});
    return;
  }
  if (errors_ >= cap_) {
    out_.capped = true;
    out_.issues.push_back(
        issue{severity::error,
              issue_code::processing,
              "more than " + std::to_string(cap_) + " errors found; validation stopped and the rest are not listed",
              {}});
    return;
  }
  ++errors_;
  out_.issues.push_back(issue{s, c, std::move(diagnostics), render_path(at)});
}

}  // namespace fhir::detail
