#include "adapters/delivery/bars_delivery_result.hpp"

#include <cctype>
#include <string>

#include "adapters/bars/bars_codes.hpp"
#include "adapters/delivery/http_delivery_result.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/json_view.hpp"

namespace gateway::delivery {
namespace {

bool same_id(const std::optional<std::string>& got, std::string_view sent) {
  if (!got || got->size() != sent.size()) return false;
  for (std::size_t i = 0; i < sent.size(); ++i)
    if (std::tolower(static_cast<unsigned char>((*got)[i])) != std::tolower(static_cast<unsigned char>(sent[i])))
      return false;
  return true;
}

struct outcome_summary {
  bool is_outcome = false;
  bool duplicate = false;
  std::string code;         // the BaRS code of the first issue that has one
  std::string diagnostics;  // the first issue's
};

outcome_summary read_outcome(const std::string& body) {
  outcome_summary out;
  fhir::json_limits limits;
  limits.max_bytes = 256 * 1024;
  const auto parsed = fhir::parse_json(body, limits);
  if (!parsed || fhir::json::string_member(*parsed, "resourceType") != "OperationOutcome") return out;
  out.is_outcome = true;
  for (const auto& issue : fhir::json::each(*parsed, "issue")) {
    if (fhir::json::string_member(issue, "code") == "duplicate") out.duplicate = true;
    if (out.diagnostics.empty()) out.diagnostics = std::string(fhir::json::string_member(issue, "diagnostics"));
    if (const auto* details = fhir::json::object_member(issue, "details"))
      for (const auto& c : fhir::json::each(*details, "coding"))
        if (out.code.empty() && fhir::json::string_member(c, "system") == bars::systems::http_error_codes)
          out.code = std::string(fhir::json::string_member(c, "code"));
  }
  if (out.diagnostics.size() > 200) out.diagnostics.resize(200);
  return out;
}

std::string answer_text(int status, const outcome_summary& o) {
  std::string text = "HTTP " + std::to_string(status);
  if (!o.code.empty()) text += " " + o.code;
  if (!o.diagnostics.empty()) text += ": " + o.diagnostics;
  return text;
}

}  // namespace

core::delivery_result classify_bars_answer(const net::client_result& result, std::string_view request_id,
                                           std::string_view correlation_id, std::chrono::system_clock::time_point now) {
  using kind = core::delivery_result::kind;
  core::delivery_result out = to_delivery_result(result, now);
  const auto* response = std::get_if<net::client_response>(&result);
  if (response == nullptr) return out;  // transport failures as every HTTPS delivery
  const int status = response->status;
  const bool echoed = same_id(response->header("X-Request-ID"), request_id) &&
                      same_id(response->header("X-Correlation-ID"), correlation_id);
  if (status >= 200 && status <= 299) {
    if (echoed) return out;
    out.what = kind::transient_failure;
    out.detail = "HTTP " + std::to_string(status) +
                 " without X-Request-ID and X-Correlation-ID echoed: not an answer from the receiver";
    return out;
  }
  const outcome_summary outcome = read_outcome(response->body);
  if (!outcome.is_outcome || !echoed) {
    out.what = kind::transient_failure;
    out.detail =
        "HTTP " + std::to_string(status) +
        (outcome.is_outcome ? " without X-Request-ID and X-Correlation-ID echoed" : " without an OperationOutcome") +
        ": not an answer from the receiver";
    return out;
  }
  out.detail = answer_text(status, outcome);
  if (status == 409 && outcome.duplicate) {
    out.http_status = 200;
    out.detail += " (a duplicate: the receiver has the message already)";
    return out;
  }
  if (status == 408 || status == 429 || status == 503) return out;
  if (status >= 500) out.what = kind::permanent_failure;
  return out;
}

}  // namespace gateway::delivery
