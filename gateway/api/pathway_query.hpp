#pragma once
// The query of the operations page's JSON endpoints (/ops/pathway...): the time range and the
// format, checked once. Every bad value answers 400 with an OperationOutcome whose expression
// names the parameter.
//
//   from=YYYY-MM-DD   first day (UTC) of the range; default: `to` minus 83 days (12 weeks)
//   to=YYYY-MM-DD     last day (UTC), included; default: today
//   format=json|csv   csv only where one table is asked for
// The range is at most 366 days and `from` is not after `to`.
//
// Thread safety: pure functions.
#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "gateway/api/api_error.hpp"
#include "gateway/api/api_request.hpp"

namespace gateway::api {

inline constexpr int pathway_max_days = 366;
inline constexpr int pathway_default_days = 84;

struct pathway_query {
  std::chrono::sys_days first_day{};
  std::chrono::sys_days last_day{};  // included
  bool csv = false;
};

// `today` is the caller's clock (UTC day); `allow_csv` is false for the all-tables endpoint.
boost::system::result<pathway_query, api_error> parse_pathway_query(const std::vector<query_param>& query,
                                                                    std::chrono::sys_days today, bool allow_csv);

}  // namespace gateway::api
