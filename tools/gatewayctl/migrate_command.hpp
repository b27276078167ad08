#pragma once
// gatewayctl migrate --from sqlite:FILE --to postgres:DSN (issue 14): moves an embedded
// installation's data to the PostgreSQL store that several instances share.
//
// Both sides are first opened as the gateway would (each migrated to this build's schema); the
// target must be empty. Then, in one PostgreSQL transaction, every table is copied as it is —
// resource versions (history) and current rows with their write order (seq) and search keys,
// identifier claims, the outbox (pending, delivered and dead items, attempts, errors; leases are
// dropped: the old process is gone) and the audit trail — the sequences and the commit clock are
// moved past the copied rows, and the row count of each table is compared with the source before
// COMMIT. A mismatch or any error rolls everything back. Stop the gateway first: the source must
// not change while it is copied (the tool reads it in one transaction).
//
// Exit codes: 0 copied and verified; 1 failed (nothing was committed); 2 usage error.
#include <ostream>
#include <string>
#include <vector>

namespace rg::gatewayctl {

int run_migrate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rg::gatewayctl
