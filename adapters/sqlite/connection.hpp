#pragma once
// Thin RAII over sqlite3 and sqlite3_stmt. A connection belongs to one thread at a time (opened
// with SQLITE_OPEN_NOMUTEX); nothing here is shared.
//
// SQLite failures inside a job throw db_error; the writer and the reader pool catch it at the job
// boundary and answer `unavailable` (or roll back one unit). No exception leaves the adapter.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gateway::sqlite {

class db_error : public std::runtime_error {
 public:
  db_error(int rc, const std::string& what) : std::runtime_error(what), rc_(rc) {}
  int rc() const noexcept { return rc_; }

 private:
  int rc_;
};

class statement {
 public:
  statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(stmt_); }

  // Binds by 1-based position.
  statement& bind(int i, std::string_view text);
  statement& bind(int i, std::int64_t value);
  statement& bind(int i, std::nullopt_t);
  statement& bind(int i, const char* text) { return bind(i, std::string_view(text)); }
  statement& bind(int i, const std::string& text) { return bind(i, std::string_view(text)); }

  // Binds every argument in order from position 1.
  template <class... Args>
  statement& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // true: a row is ready; false: done. Throws db_error on failure.
  bool step();
  // Runs to completion (for writes); throws db_error on failure.
  void run();
  // Ready for reuse with new bindings; called before each use of a cached statement.
  void reset() noexcept;

  int parameter_count() const noexcept { return sqlite3_bind_parameter_count(stmt_); }
  int column_count() const noexcept { return sqlite3_column_count(stmt_); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class connection {
 public:
  // Opens (never throws); on failure returns nullptr and sets `error`.
  static std::unique_ptr<connection> open(const std::string& path, bool read_only, int busy_timeout_ms,
                                          std::string& error);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // Runs one or more statements without results; throws db_error.
  void exec(const char* sql);
  // Same, but returns the SQLite result code instead of throwing.
  int try_exec(const char* sql) noexcept;
  // A prepared statement kept for the life of the connection, reset and ready to bind. Looked up
  // by the text itself: no std::string is made per call (the writer asks ~25 times per referral).
  statement& cached(std::string_view sql);
  // Runs a cached statement without results (SAVEPOINT, RELEASE: parsed once, not per unit);
  // returns the SQLite result code instead of throwing.
  int try_run_cached(std::string_view sql) noexcept;
  // A one-off prepared statement.
  std::unique_ptr<statement> prepare(const std::string& sql);

  // Resets every statement still stepping, ending the implicit read transaction it holds (a
  // reader would otherwise keep seeing an old snapshot). Called at the end of every job.
  void reset_busy() noexcept;

  std::int64_t last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }
  int changes() const noexcept { return sqlite3_changes(db_); }
  bool in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }
  std::string last_error() const { return sqlite3_errmsg(db_); }
  sqlite3* handle() const noexcept { return db_; }

 private:
  explicit connection(sqlite3* db) : db_(db) {}

  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<statement>, text_hash, std::equal_to<>> cache_;
};

// "what: SQLite message (code name)" for logs and open errors.
std::string describe(sqlite3* db, int rc, std::string_view what);

}  // namespace gateway::sqlite
