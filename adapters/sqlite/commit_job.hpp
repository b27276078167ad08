#pragma once
// The write job for store::commit: applies one unit_of_work (claims, resource versions, search
// index, outbox items, audit records) inside the writer's batch transaction.

#include "adapters/sqlite/write_job.hpp"
#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_records.hpp"

#include <memory>
#include <optional>

namespace gateway::sqlite {

std::unique_ptr<write_job> make_commit_job(gateway::core::unit_of_work work,
                                           gateway::core::store_callback<gateway::core::commit_outcome> done);

}  // namespace gateway::sqlite
