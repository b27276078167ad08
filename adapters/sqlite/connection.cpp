#include "adapters/sqlite/connection.hpp"

namespace gateway::sqlite {

std::string describe(sqlite3* db, int rc, std::string_view what) {
  std::string out(what);
  out += ": ";
  out += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  out += " (";
  out += sqlite3_errstr(rc);
  out += ")";
  return out;
}

namespace {
void check_bind(sqlite3* db, int rc) {
  if (rc != SQLITE_OK) throw db_error(rc, describe(db, rc, "bind"));
}
}  // namespace

statement& statement::bind(int i, std::string_view text) {
  check_bind(db_, sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

statement& statement::bind(int i, std::int64_t value) {
  check_bind(db_, sqlite3_bind_int64(stmt_, i, value));
  return *this;
}

statement& statement::bind(int i, std::nullopt_t) {
  check_bind(db_, sqlite3_bind_null(stmt_, i));
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw db_error(rc, describe(db_, rc, "step"));
}

void statement::run() {
  while (step()) {
  }
}

void statement::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::unique_ptr<connection> connection::open(const std::string& path, bool read_only, int busy_timeout_ms,
                                             std::string& error) {
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    error = describe(db, rc, "cannot open database '" + path + "'");
    sqlite3_close(db);
    return nullptr;
  }
  if (!read_only && sqlite3_db_readonly(db, "main") == 1) {
    error = "cannot open database '" + path + "' for writing: the file is read-only";
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<connection>(new connection(db));
}

connection::~connection() {
  cache_.clear();  // statements first: sqlite3_close fails while any is unfinalised
  sqlite3_close(db_);
}

void connection::exec(const char* sql) {
  if (const int rc = try_exec(sql); rc != SQLITE_OK) throw db_error(rc, describe(db_, rc, "exec"));
}

void connection::reset_busy() noexcept {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr; s = sqlite3_next_stmt(db_, s))
    if (sqlite3_stmt_busy(s) != 0) sqlite3_reset(s);
}

int connection::try_exec(const char* sql) noexcept {
  return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
}

statement& connection::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    std::string text(sql);
    auto prepared = prepare(text);
    it = cache_.emplace(std::move(text), std::move(prepared)).first;
  }
  it->second->reset();
  return *it->second;
}

int connection::try_run_cached(std::string_view sql) noexcept {
  try {
    cached(sql).run();
    return SQLITE_OK;
  } catch (const db_error& e) {
    return e.rc();
  } catch (...) {
    return SQLITE_NOMEM;
  }
}

std::unique_ptr<statement> connection::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) throw db_error(rc, describe(db_, rc, "prepare"));
  return std::make_unique<statement>(db_, stmt);
}

}  // namespace gateway::sqlite
