#pragma once
// A real PostgreSQL 15 server for tests (issue 14): initdb in a temporary folder, the server on a
// free loopback port (and a unix socket in that folder), trust authentication for the user "rg",
// stopped and removed at the end. As root (CI, the development VM) the server runs as the
// unprivileged `postgres` user the Debian package creates (PostgreSQL refuses to run as root).
//
// The server is a child of the process that started it and gets SIGQUIT (immediate shutdown) if
// that thread dies, so a crashed test binary leaves no server behind; a normal exit stops it.
//
// PostgreSQL tests are skipped only when RG_POSTGRES=0 (and then reported as skipped): a missing
// server is a failure with a message saying what to install.
#include <sys/types.h>

#include <memory>
#include <string>

namespace rg::testing {

// False only when RG_POSTGRES=0.
bool postgres_enabled();

class postgres_cluster {
 public:
  // initdb + start; throws std::runtime_error naming what failed (binaries missing, initdb, start).
  postgres_cluster();
  ~postgres_cluster();  // stops the server (fast shutdown) and removes the folder
  postgres_cluster(const postgres_cluster&) = delete;
  postgres_cluster& operator=(const postgres_cluster&) = delete;

  int port() const { return port_; }
  // libpq connection string for a database of this cluster, over loopback TCP.
  std::string dsn(const std::string& database = "postgres") const;
  // CREATE DATABASE and its connection string.
  std::string create_database(const std::string& name);
  // CREATE SCHEMA in the `postgres` database and a connection string whose search_path is it: a
  // fresh, empty store for one test, cheaper than a database.
  std::string create_schema(const std::string& name);
  // Runs SQL on a database; throws std::runtime_error with the server's message.
  void execute(const std::string& database, const std::string& sql);
  // One value (first row, first column) of a query; "" for none or NULL.
  std::string query_value(const std::string& database, const std::string& sql);

  // `pg_ctl stop -m immediate` (as a crash: no checkpoint, clients cut off), then start() again.
  void stop_immediate();
  void start();

 private:
  void wait_ready();

  std::string bin_;
  std::string root_;  // temporary folder: data/, socket/, server.log
  int port_ = 0;
  uid_t uid_ = 0;  // the server's user (0 = ours)
  gid_t gid_ = 0;
  pid_t server_ = -1;
};

// One cluster per test process, started at first use, stopped at exit. Call from the main thread.
postgres_cluster& shared_postgres();

}  // namespace rg::testing
