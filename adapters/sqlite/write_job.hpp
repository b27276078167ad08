#pragma once
// One request for the writer thread. The writer applies each job inside its own SAVEPOINT of a
// batch transaction and answers it only after the batch's COMMIT (group commit).

#include "adapters/sqlite/connection.hpp"
#include "gateway/core/store_errc.hpp"

#include <cstdint>
#include <string>

namespace gateway::sqlite {

struct write_context {
  connection& db;
  std::string now_text;     // the batch's commit time as a FHIR instant
  std::int64_t now_ms = 0;  // the same, in ms since the epoch
};

class write_job {
 public:
  virtual ~write_job() = default;

  // Applies the job. false = rejected (a conflict, a taken claim): its savepoint is rolled back and
  // the rest of the batch goes on. Throws db_error when storage fails.
  virtual bool apply(write_context& ctx) = 0;
  // The batch committed: answer with what apply() decided.
  virtual void succeed() = 0;
  // The job cannot be answered from apply(): the batch failed, storage failed, or the queue was full.
  virtual void fail(gateway::core::store_errc code, const std::string& why) = 0;
  // Once committed, may items have become eligible for delivery (wakes the dispatcher)?
  virtual bool wakes_outbox() const { return false; }
};

}  // namespace gateway::sqlite
