#include "adapters/postgres/pg_connection.hpp"

#include <charconv>
#include <cstdlib>

namespace gateway::postgres {

pg_params& pg_params::add_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  values_.emplace_back(std::move(out));
  return *this;
}

std::vector<const char*> pg_params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

std::int64_t pg_result::int64(int row, int col) const {
  const char* p = PQgetvalue(r_.get(), row, col);
  std::int64_t v = 0;
  std::from_chars(p, p + PQgetlength(r_.get(), row, col), v);
  return v;
}

std::int64_t pg_result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n == nullptr || *n == '\0' ? 0 : std::strtoll(n, nullptr, 10);
}

std::unique_ptr<pg_connection> pg_connection::open(const std::string& dsn, const pg_session& session,
                                                   std::string& error) {
  // Defaults first: the DSN (expanded from "dbname") overrides them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "referral-gateway", dsn.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (c == nullptr) {
    error = "cannot allocate a PostgreSQL connection";
    return nullptr;
  }
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
    while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
    PQfinish(c);
    return nullptr;
  }
  std::unique_ptr<pg_connection> conn(new pg_connection(c));
  try {
    // client_min_messages: no NOTICE lines from libpq on stderr (the gateway logs JSON there).
    const std::string setup =
        "SET synchronous_commit = on; SET client_encoding = 'UTF8'; SET client_min_messages = warning; "
        "SET statement_timeout = " +
        std::to_string(session.statement_timeout_ms) +
        "; SET lock_timeout = " + std::to_string(session.lock_timeout_ms) + ";";
    conn->exec(setup.c_str());
  } catch (const pg_error& e) {
    error = e.what();
    return nullptr;
  }
  return conn;
}

pg_connection::~pg_connection() {
  PQfinish(conn_);
}

pg_result pg_connection::check(PGresult* r, const char* what) {
  const auto status = PQresultStatus(r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return pg_result(r);
  std::string state;
  std::string message = what;
  message += ": ";
  if (r != nullptr) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    message += PQresultErrorMessage(r);
    PQclear(r);
  } else {
    message += PQerrorMessage(conn_);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw pg_error(state, !ok(), message);
}

void pg_connection::exec(const char* sql) {
  check(PQexec(conn_, sql), "exec");
}

pg_result pg_connection::run(const std::string& sql, const pg_params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s";  // appended, not "s" + ...: g++ 12 warns falsely (-Wrestrict) on that
    name += std::to_string(prepared_.size() + 1);
    check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), "prepare");
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const auto values = params.pointers();
  return check(
      PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0),
      "execute");
}

pg_result pg_connection::run_once(const std::string& sql, const pg_params& params) {
  const auto values = params.pointers();
  return check(
      PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
      "query");
}

std::int64_t pg_connection::copy_in(const std::string& copy_sql,
                                    const std::function<bool(std::vector<std::optional<std::string>>&)>& next) {
  PGresult* started = PQexec(conn_, copy_sql.c_str());
  if (PQresultStatus(started) != PGRES_COPY_IN) check(started, "copy");
  PQclear(started);
  std::vector<std::optional<std::string>> fields;
  std::string line;
  std::int64_t rows = 0;
  bool sent = true;
  while (sent && next(fields)) {
    line.clear();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) line += '\t';
      if (!fields[i]) {
        line += "\\N";
        continue;
      }
      for (const char c : *fields[i]) {  // COPY text format escapes
        switch (c) {
          case '\\':
            line += "\\\\";
            break;
          case '\n':
            line += "\\n";
            break;
          case '\r':
            line += "\\r";
            break;
          case '\t':
            line += "\\t";
            break;
          default:
            line += c;
        }
      }
    }
    line += '\n';
    sent = PQputCopyData(conn_, line.data(), static_cast<int>(line.size())) == 1;
    ++rows;
  }
  PQputCopyEnd(conn_, sent ? nullptr : "aborted");
  check(PQgetResult(conn_), "copy");
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  return rows;
}

void pg_connection::lost(const char* what) {
  std::string message = what;
  message += ": ";
  message += PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw pg_error("", true, message);
}

pg_pipeline::pg_pipeline(pg_connection& db) : db_(db) {
  if (PQenterPipelineMode(db_.conn_) != 1) db_.lost("pipeline");
}

pg_pipeline::~pg_pipeline() {
  PQexitPipelineMode(db_.conn_);
}

void pg_pipeline::send(const std::string& sql, const pg_params& params) {
  auto it = db_.prepared_.find(sql);
  if (it == db_.prepared_.end()) {
    std::string name = "s";  // appended: g++ 12 warns falsely (-Wrestrict) on "s" + ...
    name += std::to_string(db_.prepared_.size() + 1);
    if (PQsendPrepare(db_.conn_, name.c_str(), sql.c_str(), 0, nullptr) != 1) db_.lost("prepare");
    it = db_.prepared_.emplace(sql, std::move(name)).first;
    sent_.push_back(false);
    preparing_.push_back(sql);
  }
  const auto values = params.pointers();
  if (PQsendQueryPrepared(db_.conn_, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                          nullptr, 0) != 1)
    db_.lost("send");
  sent_.push_back(true);
}

std::vector<pg_step> pg_pipeline::sync() {
  if (PQpipelineSync(db_.conn_) != 1) db_.lost("sync");
  std::vector<pg_step> steps;
  std::size_t prepare = 0;
  for (const bool statement : sent_) {
    PGresult* r = PQgetResult(db_.conn_);
    if (r == nullptr) db_.lost("pipeline result");
    pg_step step;
    const auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      step.result.emplace(r);
    } else {
      if (status == PGRES_PIPELINE_ABORTED) {
        step.skipped = true;
      } else {
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        step.error = std::string(state != nullptr ? state : "") + " " + PQresultErrorMessage(r);
      }
      PQclear(r);
      if (!statement) db_.prepared_.erase(preparing_[prepare]);  // prepared again next time
    }
    if (!statement) ++prepare;
    if (PGresult* extra = PQgetResult(db_.conn_)) {  // each statement's results end with a NULL
      PQclear(extra);
      db_.lost("pipeline: more than one result for a statement");
    }
    if (!db_.ok()) db_.lost("pipeline");
    if (statement) steps.push_back(std::move(step));
  }
  PGresult* end = PQgetResult(db_.conn_);
  const bool synced = end != nullptr && PQresultStatus(end) == PGRES_PIPELINE_SYNC;
  PQclear(end);
  if (!synced) db_.lost("pipeline sync");
  sent_.clear();
  preparing_.clear();
  return steps;
}

void pg_connection::rollback_quietly() noexcept {
  if (ok() && in_transaction()) PQclear(PQexec(conn_, "ROLLBACK"));
}

}  // namespace gateway::postgres
