#pragma once
// gatewayctl preload --db FILE --referrals N (issue 16): fills an empty SQLite store with N
// synthetic referrals (tools/preload/synthetic_referrals.hpp) through the store's bulk path
// (adapters/sqlite/bulk_loader.hpp), for scale benchmarks (tools/bench/bench.sh scale).
//
// Referral n is committed at an even step across the last --days days (default 365), so
// _lastUpdated ranges and keyset paging see a realistic spread; its triage event is marked
// delivered a second later, except the newest --pending referrals' events (default 0), which stay
// pending: a delivery backlog. The Tasks of all but the newest --requested referrals (default one
// in fifty, about a week of a year's referrals) are accepted by the platform half a step later
// (Task version 2, a status-update message to the referrer marked delivered, an AuditEvent), so
// the work queue holds what a working service's would. --platform-org, --event-source and
// --triage-rules FILE give the gateway configuration's platform.organization,
// platform.event_source and triage.rules (defaults: the configuration's defaults and the embedded
// rules); pass the ones the gateway will run with.
// Refuses a database that holds data unless --allow-existing. Stop any gateway using the file first.
//
// Prints progress to err every 100,000 referrals and, at the end, referrals/s and the database's
// bytes per referral. Exit codes: 0 loaded; 1 failed (the database is to be thrown away); 2 usage.
#include <ostream>
#include <string>
#include <vector>

namespace rg::gatewayctl {

int run_preload_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rg::gatewayctl
