#pragma once
// Reads of single resources, their history and identifier claims. Run on a reader connection;
// throw db_error on storage failure (the reader pool turns it into `unavailable`).

#include "adapters/sqlite/connection.hpp"
#include "gateway/core/store_query.hpp"
#include "gateway/core/store_records.hpp"

#include <cstdint>
#include <string>

namespace gateway::sqlite {

gateway::core::read_outcome read_current(connection& db, const std::string& type, const std::string& id);
gateway::core::read_outcome read_version(connection& db, const std::string& type, const std::string& id,
                                         std::int64_t version);
gateway::core::history_outcome read_history(connection& db, const std::string& type, const std::string& id,
                                            std::size_t count);
gateway::core::claim_lookup_outcome read_claim(connection& db, const std::string& owner_org, const std::string& system,
                                               const std::string& value);
// The latest commit time on disk, in ms since the epoch (0 for an empty database).
std::int64_t read_last_commit_ms(connection& db);

}  // namespace gateway::sqlite
