#pragma once
// One request for the writer thread. The writer applies a batch of jobs in one transaction and
// answers them only after its COMMIT (group commit). A job may be applied twice: first without a
// savepoint; if any job of the batch is then rejected or fails, the transaction is rolled back and
// each job applied again in its own SAVEPOINT (writer.cpp). apply() therefore starts afresh.

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

  // Applies the job, from the start each time it is called. false = rejected (a conflict, a taken
  // claim): its changes are rolled back and the rest of the batch goes on. Throws db_error when
  // storage fails.
  virtual bool apply(write_context& ctx) = 0;
  // The batch committed: answer with what apply() decided.
  virtual void succeed() = 0;
  // The job cannot be answered from apply(): the batch failed, storage failed, or the queue was full.
  virtual void fail(gateway::core::store_errc code, const std::string& why) = 0;
  // Once committed, may items have become eligible for delivery (wakes the dispatcher)?
  virtual bool wakes_outbox() const { return false; }
};

}  // namespace gateway::sqlite
