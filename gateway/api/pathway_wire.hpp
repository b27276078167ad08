#pragma once
// The operations page's tables on the wire: JSON (one envelope for one table or all of them) and
// CSV (RFC 4180, one table). Both are written from the same core::report_table, so the page, the
// JSON endpoints and the CSV export cannot disagree.
//
// JSON: {"from":"YYYY-MM-DD","to":"YYYY-MM-DD","generated_at":INSTANT,"truncated":BOOL,
//        "tables":[{"name":..,"title":..,"columns":[..],"rows":[[cell,..],..]}]}
// A cell is a string, a number or null.
// CSV: a header row of the column names, then the rows; empty cells for null. A text cell that a
// spreadsheet would take for a formula (starting with = + - @ or a tab) is written with a leading
// apostrophe.
//
// Thread safety: pure functions.
#include <span>
#include <string>

#include "gateway/core/pathway_report.hpp"

namespace gateway::api {

struct pathway_envelope {
  std::string from;  // first day
  std::string to;    // last day, included
  std::string generated_at;
  bool truncated = false;
};

std::string pathway_json(const pathway_envelope& envelope, std::span<const core::report_table> tables);

std::string table_csv(const core::report_table& table);

}  // namespace gateway::api
