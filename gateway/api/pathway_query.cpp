#include "gateway/api/pathway_query.hpp"

#include "gateway/core/fhir_time.hpp"

namespace gateway::api {
namespace {

api_error bad(std::string parameter, std::string why) {
  return api_error::single(400, fhir::issue_code::value, std::move(why), std::move(parameter));
}

}  // namespace

boost::system::result<pathway_query, api_error> parse_pathway_query(const std::vector<query_param>& query,
                                                                    std::chrono::sys_days today, bool allow_csv) {
  pathway_query out;
  out.last_day = today;
  bool from_given = false;
  bool seen_from = false, seen_to = false, seen_format = false;
  for (const auto& q : query) {
    bool* seen = q.name == "from"     ? &seen_from
                 : q.name == "to"     ? &seen_to
                 : q.name == "format" ? &seen_format
                                      : nullptr;
    if (seen == nullptr) {
      return api_error::single(400, fhir::issue_code::not_supported,
                               "unknown parameter \"" + q.name + "\" (from, to, format)", q.name);
    }
    if (*seen) return bad(q.name, "parameter \"" + q.name + "\" given twice");
    *seen = true;
    if (q.name == "format") {
      if (q.value == "csv" && allow_csv) {
        out.csv = true;
      } else if (q.value != "json") {
        return bad("format", allow_csv ? "format must be json or csv"
                                       : "format must be json here; CSV is per table: /ops/pathway/{table}?format=csv");
      }
      continue;
    }
    const auto day = core::parse_fhir_date(q.value);
    if (!day) return bad(q.name, q.name + " must be a date YYYY-MM-DD (UTC)");
    if (q.name == "from") {
      out.first_day = std::chrono::sys_days(*day);
      from_given = true;
    } else {
      out.last_day = std::chrono::sys_days(*day);
    }
  }
  if (!from_given) out.first_day = out.last_day - std::chrono::days(pathway_default_days - 1);
  if (out.first_day > out.last_day) return bad("from", "from must not be after to");
  if (out.last_day - out.first_day >= std::chrono::days(pathway_max_days))
    return bad("from", "the range is at most " + std::to_string(pathway_max_days) + " days");
  return out;
}

}  // namespace gateway::api
