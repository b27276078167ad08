#pragma once
// The operations page itself (issue 15), under /ops on the mutual-TLS listener for callers of
// role operator or platform (ops_gate.hpp: a referrer gets 403; every request is audited):
//   GET /page            the page (HTML)
//   GET /page/{file}     its stylesheet, script and Chart.js (ops_page/ops_page_assets.hpp)
// Served from the binary with a Content-Security-Policy that allows this origin only (scripts,
// styles, images and fetches), no framing and no form posts elsewhere, so the page can reach
// nothing but this gateway. Its data comes from the /ops/pathway endpoints (ops_pathway_routes.hpp).
#include "gateway/api/ops_route_table.hpp"

namespace gateway::api {

// The path below /ops where the page lives (for the listening line's "ops_page").
inline constexpr const char* ops_page_path = "/page";

void register_page_routes(ops_route_table& ops);

}  // namespace gateway::api
