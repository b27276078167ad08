#include "adapters/bars/error_codes.hpp"

#include <array>

#include "adapters/bars/bars_codes.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::bars {
namespace {

namespace json = core::json;

constexpr std::array<error_code, 12> table = {{
    {400, "REC_BAD_REQUEST", "invalid", "the receiver could not process the message as sent (malformed)"},
    {401, "REC_UNAUTHORIZED", "login", "the receiver does not know the caller"},
    {403, "REC_FORBIDDEN", "security", "the caller may not do this"},
    {404, "REC_NOT_FOUND", "not-found", "no such resource or service at this receiver"},
    {405, "REC_METHOD_NOT_ALLOWED", "not-supported", "the receiver does not allow this method here"},
    {408, "REC_TIMEOUT", "timeout", "processing did not complete within the receiver's time limit"},
    {409, "REC_CONFLICT", "conflict", "the message conflicts with what the receiver holds"},
    {422, "REC_UNPROCESSABLE_ENTITY", "business-rule", "well formed, but the receiver cannot process it"},
    {429, "REC_TOO_MANY_REQUESTS", "throttled", "too many requests; try again later"},
    {500, "REC_SERVER_ERROR", "exception", "the receiver failed while processing the message"},
    {501, "REC_NOT_IMPLEMENTED", "not-supported", "the receiver does not implement this request"},
    {503, "REC_UNAVAILABLE", "transient", "the receiver is unavailable; try again later"},
}};

int folded_status(int status) {
  switch (status) {
    case 406:
    case 413:
    case 415:
    case 431:
      return 400;
    case 410:
      return 404;
    case 412:
      return 409;
    default:
      break;
  }
  for (const auto& e : table)
    if (e.status == status) return status;
  return status >= 500 ? 500 : 400;
}

rapidjson::Value issue_json(std::string_view severity, std::string_view issue_code, const error_code& code,
                            std::string_view diagnostics, std::string_view expression, json::allocator& a) {
  rapidjson::Value issue(rapidjson::kObjectType);
  json::add_string(issue, "severity", severity, a);
  json::add_string(issue, "code", issue_code, a);
  rapidjson::Value details(rapidjson::kObjectType);
  rapidjson::Value codings(rapidjson::kArrayType);
  codings.PushBack(json::coding(systems::http_error_codes, code.code, {}, a), a);
  details.AddMember("coding", codings, a);
  issue.AddMember("details", details, a);
  if (!diagnostics.empty()) json::add_string(issue, "diagnostics", diagnostics, a);
  if (!expression.empty()) {
    rapidjson::Value list(rapidjson::kArrayType);
    list.PushBack(json::string(expression, a), a);
    issue.AddMember("expression", list, a);
  }
  return issue;
}

std::string outcome_json(rapidjson::Document& d, rapidjson::Value& issues) {
  d.SetObject();
  json::add_string(d, "resourceType", "OperationOutcome", d.GetAllocator());
  d.AddMember("issue", issues, d.GetAllocator());
  return json::serialise(d);
}

}  // namespace

std::span<const error_code> error_table() {
  return table;
}

const error_code& error_for_status(int http_status) {
  const int status = folded_status(http_status);
  for (const auto& e : table)
    if (e.status == status) return e;
  return table.front();  // unreachable: folded_status answers a status of the table
}

error_answer make_error_answer(int http_status, const fhir::outcome& outcome) {
  const error_code& code = error_for_status(http_status);
  rapidjson::Document d;
  auto& a = d.GetAllocator();
  rapidjson::Value issues(rapidjson::kArrayType);
  for (const auto& i : outcome.issues)
    issues.PushBack(
        issue_json(fhir::to_string(i.severity), fhir::to_string(i.code), code, i.diagnostics, i.expression, a), a);
  if (issues.Empty()) issues.PushBack(issue_json("error", code.issue_code, code, code.meaning, {}, a), a);
  return {code.status, outcome_json(d, issues)};
}

error_answer duplicate_answer(std::string diagnostics) {
  const error_code& code = error_for_status(409);
  rapidjson::Document d;
  rapidjson::Value issues(rapidjson::kArrayType);
  issues.PushBack(issue_json("error", "duplicate", code, diagnostics, {}, d.GetAllocator()), d.GetAllocator());
  return {409, outcome_json(d, issues)};
}

}  // namespace gateway::bars
