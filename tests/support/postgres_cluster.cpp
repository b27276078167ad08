#include "tests/support/postgres_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace rg::testing {
namespace fs = std::filesystem;

namespace {

constexpr const char* default_bindir = "/usr/lib/postgresql/15/bin";

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// In a forked child: become the server's user (when we are root), die with the parent thread,
// send output to `log`, exec.
[[noreturn]] void exec_as(uid_t uid, gid_t gid, const std::vector<std::string>& argv, const std::string& log) {
  if (uid != 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(126);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  ::dup2(out, 1);
  ::dup2(out, 2);
  const int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

pid_t spawn_as(uid_t uid, gid_t gid, const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) exec_as(uid, gid, argv, log);
  return pid;
}

// Runs to completion (bounded); throws with the log's text when it fails.
void run_as(uid_t uid, gid_t gid, const std::vector<std::string>& argv, const std::string& log,
            std::chrono::seconds timeout = std::chrono::seconds(120)) {
  const pid_t pid = spawn_as(uid, gid, argv, log);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw std::runtime_error(argv[0] + " timed out");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(argv[0] + " failed: " + read_file(log));
}

std::string quote_literal(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

bool postgres_enabled() {
  const char* v = std::getenv("RG_POSTGRES");
  return v == nullptr || std::string(v) != "0";
}

postgres_cluster::postgres_cluster() {
  const char* bindir = std::getenv("RG_PG_BINDIR");
  bin_ = bindir != nullptr ? bindir : default_bindir;
  if (!fs::exists(bin_ + "/postgres") || !fs::exists(bin_ + "/initdb"))
    throw std::runtime_error("PostgreSQL server binaries not found in " + bin_ +
                             " (tools/install-deps.sh installs postgresql-15; RG_POSTGRES=0 skips these tests)");
  std::string pattern = (fs::temp_directory_path() / "rg-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) pw = ::getpwnam("nobody");
    if (pw == nullptr) throw std::runtime_error("running as root, and no unprivileged user to run PostgreSQL as");
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
    if (::chown(root_.c_str(), uid_, gid_) != 0) throw std::runtime_error("chown " + root_ + " failed");
  }
  fs::create_directory(root_ + "/socket");
  if (uid_ != 0 && ::chown((root_ + "/socket").c_str(), uid_, gid_) != 0)
    throw std::runtime_error("chown socket folder failed");
  run_as(uid_, gid_,
         {bin_ + "/initdb", "-D", root_ + "/data", "-U", "rg", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync",
          "--no-instructions"},
         root_ + "/initdb.log");
  start();
}

postgres_cluster::~postgres_cluster() {
  if (server_ > 0) {
    ::kill(server_, SIGINT);  // fast shutdown
    int status = 0;
    for (int i = 0; i < 3000 && ::waitpid(server_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (::waitpid(server_, &status, WNOHANG) == 0) {
      ::kill(server_, SIGKILL);
      ::waitpid(server_, &status, 0);
    }
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void postgres_cluster::start() {
  if (port_ == 0) port_ = free_loopback_port();
  server_ = spawn_as(uid_, gid_,
                     {bin_ + "/postgres", "-D", root_ + "/data", "-p", std::to_string(port_), "-k", root_ + "/socket",
                      "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100", "-c", "shared_buffers=32MB",
                      "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "log_min_messages=warning"},
                     root_ + "/server.log");
  wait_ready();
}

void postgres_cluster::wait_ready() {
  const std::string conninfo = dsn() + " connect_timeout=2";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (PQping(conninfo.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(server_, &status, WNOHANG) == server_) {
      server_ = -1;
      throw std::runtime_error("postgres exited at start: " + read_file(root_ + "/server.log"));
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("postgres did not accept connections: " + read_file(root_ + "/server.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void postgres_cluster::stop_immediate() {
  run_as(uid_, gid_, {bin_ + "/pg_ctl", "stop", "-D", root_ + "/data", "-m", "immediate", "-w"}, root_ + "/pg_ctl.log");
  int status = 0;
  ::waitpid(server_, &status, 0);
  server_ = -1;
}

std::string postgres_cluster::dsn(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=rg dbname=" + database;
}

void postgres_cluster::execute(const std::string& database, const std::string& sql) {
  (void)query_value(database, sql);
}

std::string postgres_cluster::query_value(const std::string& database, const std::string& sql) {
  PGconn* c = PQconnectdb(dsn(database).c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string e = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test cluster: " + e);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const auto status = PQresultStatus(r);
  std::string out;
  if (status == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) out = PQgetvalue(r, 0, 0);
  const std::string error = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw std::runtime_error(sql + ": " + error);
  return out;
}

std::string postgres_cluster::create_database(const std::string& name) {
  execute("postgres", "CREATE DATABASE " + name);
  return dsn(name);
}

std::string postgres_cluster::create_schema(const std::string& name) {
  execute("postgres", "CREATE SCHEMA " + name);
  return dsn() + " options=" + quote_literal("-c search_path=" + name);
}

postgres_cluster& shared_postgres() {
  // Stopped by its destructor at exit. A failed start is not tried again by every test.
  static std::string failure;
  static std::unique_ptr<postgres_cluster> cluster;
  if (!cluster && failure.empty()) {
    try {
      cluster = std::make_unique<postgres_cluster>();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  if (!cluster) throw std::runtime_error(failure);
  return *cluster;
}

}  // namespace rg::testing
