#pragma once
// Thin RAII over a libpq connection (PGconn) and its results, in the blocking API: each connection
// belongs to one store thread (writer, reader, outbox worker or listener), never to an I/O thread.
//
// - Statements run through run() are prepared once per connection (named by their text) and then
//   executed with text parameters; run_once() sends a one-off statement (search SQL, which differs
//   per query).
// - Every session is set up the same way at connect: synchronous_commit=on (COMMIT returns only
//   once the WAL is flushed), UTF8, statement_timeout and lock_timeout, so no call waits forever
//   on the server.
// - A failed statement throws pg_error with its SQLSTATE; lost() says the connection itself broke
//   (server stopped, network), after which the owner drops the connection and opens a new one for
//   the next job. Nothing here retries.

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gateway::postgres {

class pg_error : public std::runtime_error {
 public:
  pg_error(std::string sqlstate, bool lost, const std::string& what)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)), lost_(lost) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  bool lost() const noexcept { return lost_; }

 private:
  std::string sqlstate_;
  bool lost_;
};

// Text-format parameters for one statement; nullopt is SQL NULL.
class pg_params {
 public:
  pg_params() = default;
  template <class... Args>
  explicit pg_params(const Args&... args) {
    (add(args), ...);
  }
  pg_params& add(std::string_view text) {
    values_.emplace_back(std::string(text));
    return *this;
  }
  pg_params& add(const std::string& text) { return add(std::string_view(text)); }
  pg_params& add(const char* text) { return add(std::string_view(text)); }
  pg_params& add(std::int64_t value) {
    values_.emplace_back(std::to_string(value));
    return *this;
  }
  pg_params& add(int value) { return add(static_cast<std::int64_t>(value)); }
  pg_params& add(std::nullopt_t) {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  template <class T>
  pg_params& add(const std::optional<T>& v) {
    return v ? add(*v) : add(std::nullopt);
  }
  // A text[] literal ({"a","b"}) for unnest() and = ANY().
  pg_params& add_array(const std::vector<std::string>& items);

  std::size_t size() const { return values_.size(); }
  // Pointers for libpq, valid while this object lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

class pg_result {
 public:
  explicit pg_result(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
  }
  std::int64_t int64(int row, int col) const;
  // Rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

struct pg_session {
  int statement_timeout_ms = 30'000;
  int lock_timeout_ms = 5'000;
};

// One statement's outcome in a pipeline.
struct pg_step {
  std::optional<pg_result> result;  // it ran
  std::string error;                // it failed (SQLSTATE and message); empty when it ran or was skipped
  bool skipped = false;             // not run: an earlier statement of the same sync failed
};

class pg_connection;

// libpq pipeline mode: statements are sent without waiting for each answer, and sync() reads all
// their results in one round trip. A failed statement makes the rest of that sync skipped (and
// the transaction aborted until ROLLBACK TO a savepoint). Statements are prepared as in run().
class pg_pipeline {
 public:
  explicit pg_pipeline(pg_connection& db);
  ~pg_pipeline();  // leaves pipeline mode (after the last sync)
  pg_pipeline(const pg_pipeline&) = delete;
  pg_pipeline& operator=(const pg_pipeline&) = delete;

  void send(const std::string& sql, const pg_params& params = pg_params());
  // The results of everything sent since the last sync, in order. Throws pg_error when the
  // connection breaks.
  std::vector<pg_step> sync();

 private:
  pg_connection& db_;
  std::vector<bool> sent_;              // per result to read: true = a statement, false = a PREPARE
  std::vector<std::string> preparing_;  // SQL of the PREPAREs in flight (forgotten if they fail)
};

class pg_connection {
 public:
  // Connects (never throws); nullptr and `error` (libpq's message, no password) on failure.
  static std::unique_ptr<pg_connection> open(const std::string& dsn, const pg_session& session, std::string& error);
  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  // Simple-protocol command(s) without parameters or results (BEGIN, COMMIT, SAVEPOINT, LISTEN).
  void exec(const char* sql);
  // A prepared statement (prepared at first use on this connection).
  pg_result run(const std::string& sql, const pg_params& params = pg_params());
  // A one-off statement with parameters.
  pg_result run_once(const std::string& sql, const pg_params& params = pg_params());

  // COPY ... FROM STDIN (text format): `next` fills one row's fields (nullopt = NULL) and returns
  // false when there are no more rows. Returns the rows copied. For bulk loads (gatewayctl migrate).
  std::int64_t copy_in(const std::string& copy_sql,
                       const std::function<bool(std::vector<std::optional<std::string>>& fields)>& next);

  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  // Rolls back an open transaction, ignoring errors (the connection may be gone).
  void rollback_quietly() noexcept;
  PGconn* handle() const { return conn_; }

 private:
  friend class pg_pipeline;
  explicit pg_connection(PGconn* c) : conn_(c) {}
  pg_result check(PGresult* r, const char* what);
  [[noreturn]] void lost(const char* what);

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

}  // namespace gateway::postgres
