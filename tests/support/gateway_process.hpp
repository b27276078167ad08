#pragma once
// Starts a real binary (the gateway, referrer-sim) as a child process for integration tests:
// reads its one-line JSON "listening" announcement from stdout to learn its ports, keeps its
// stderr in a file, and stops it with a signal. Loopback only; bounded waits.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rg::testing {

// A fresh temporary directory, removed (recursively) when the object goes away.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str(const std::string& name = {}) const {
    return name.empty() ? path_.string() : (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion (argv[0] is the program path), capturing stdout and stderr.
run_result run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(60));

class child_process {
 public:
  // Starts argv; waits (up to `timeout`) for the first stdout line and parses it as flat JSON
  // of string/number/number-array members ({"event":"listening","https":1234,"ports":[1234],...}).
  child_process(std::vector<std::string> argv, std::chrono::seconds timeout = std::chrono::seconds(30));
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  bool started() const { return announced_; }
  int port(const std::string& name) const;  // 0 when not announced
  // An announced array of ports ("ports":[1,2]); empty when not announced.
  std::vector<int> ports(const std::string& name) const;
  pid_t pid() const { return pid_; }

  void signal(int sig);
  // Waits for exit; returns the exit code, 128+signal if killed, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  bool announced_ = false;
  bool reaped_ = false;
  std::map<std::string, std::string> announcement_;
  std::filesystem::path stderr_file_;
  int stdout_fd_ = -1;
};

// Paths of the binaries under test (from the build tree).
std::string gateway_binary();
std::string gatewayctl_binary();
std::string referrer_sim_binary();
std::string source_dir();

// Makes the development certificate set once per test process (gatewayctl certs init) and
// returns its directory.
const std::string& shared_certs_dir();

// gatewayctl's options to reach a gateway's /ops routes (outbox) as the development operator.
std::vector<std::string> operator_options(int https_port, const std::string& certs_dir);

// The common overrides for a gateway under test: port 0, certificates and the CRL (ca.crl) from
// `certs`, and storage and events file inside `dir`.
std::vector<std::string> gateway_args(const std::string& certs, const temp_dir& dir,
                                      const std::vector<std::string>& extra_sets = {});

}  // namespace rg::testing
