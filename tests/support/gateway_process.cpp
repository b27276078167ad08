#include "tests/support/gateway_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace rg::testing {
namespace fs = std::filesystem;

temp_dir::temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "rg-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Minimal parser for the flat announcement object: "key":value pairs, values strings, numbers or
// arrays of numbers (kept as "n1,n2,...").
std::map<std::string, std::string> parse_flat_json(const std::string& line) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (true) {
    const auto k1 = line.find('"', i);
    if (k1 == std::string::npos) break;
    const auto k2 = line.find('"', k1 + 1);
    if (k2 == std::string::npos) break;
    const std::string key = line.substr(k1 + 1, k2 - k1 - 1);
    auto colon = line.find(':', k2);
    if (colon == std::string::npos) break;
    ++colon;
    while (colon < line.size() && line[colon] == ' ') ++colon;
    std::string value;
    if (colon < line.size() && line[colon] == '"') {
      const auto v2 = line.find('"', colon + 1);
      value = line.substr(colon + 1, v2 - colon - 1);
      i = v2 + 1;
    } else if (colon < line.size() && line[colon] == '[') {
      const auto v2 = line.find(']', colon + 1);
      if (v2 == std::string::npos) break;
      value = line.substr(colon + 1, v2 - colon - 1);
      i = v2 + 1;
    } else {
      auto end = line.find_first_of(",}", colon);
      value = line.substr(colon, end - colon);
      i = end;
    }
    out[key] = value;
  }
  return out;
}

// In the forked child: stdin from /dev/null, stdout/stderr to the given descriptors, then exec.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  const int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

}  // namespace

run_result run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  temp_dir dir;
  const std::string out_file = dir.str("out"), err_file = dir.str("err");
  const pid_t pid = ::fork();
  if (pid == 0) {
    exec_child(argv, ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
               ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  }
  run_result result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.exit_code = -2;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (result.exit_code != -2) {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.out = read_file(out_file);
  result.err = read_file(err_file);
  return result;
}

child_process::child_process(std::vector<std::string> argv, std::chrono::seconds timeout) {
  static std::atomic<int> counter{0};
  stderr_file_ = fs::temp_directory_path() /
                 ("rg-child-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".stderr");
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(pipe_fds[0]);
    exec_child(argv, pipe_fds[1], ::open(stderr_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  }
  ::close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char c;
    const ssize_t n = ::read(stdout_fd_, &c, 1);
    if (n <= 0) break;  // the child exited before announcing
    if (c == '\n') {
      announcement_ = parse_flat_json(line);
      announced_ = announcement_.count("event") > 0;
      break;
    }
    line += c;
  }
}

child_process::~child_process() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  std::error_code ec;
  fs::remove(stderr_file_, ec);
}

int child_process::port(const std::string& name) const {
  const auto it = announcement_.find(name);
  return it == announcement_.end() ? 0 : std::atoi(it->second.c_str());
}

std::vector<int> child_process::ports(const std::string& name) const {
  std::vector<int> out;
  const auto it = announcement_.find(name);
  if (it == announcement_.end()) return out;
  std::istringstream in(it->second);
  for (std::string n; std::getline(in, n, ',');) out.push_back(std::atoi(n.c_str()));
  return out;
}

void child_process::signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (!reaped_) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

std::string child_process::stderr_text() const {
  return read_file(stderr_file_);
}

std::string gateway_binary() {
  return std::string(RG_BINARY_DIR) + "/gateway/referral-gateway";
}
std::string gatewayctl_binary() {
  return std::string(RG_BINARY_DIR) + "/tools/gatewayctl";
}
std::string referrer_sim_binary() {
  return std::string(RG_BINARY_DIR) + "/tools/referrer-sim/referrer-sim";
}
std::string source_dir() {
  return RG_SOURCE_DIR;
}

const std::string& shared_certs_dir() {
  static const temp_dir dir;  // removed at process exit
  static const std::string path = [] {
    const auto r = run_command({gatewayctl_binary(), "certs", "init", "--dir", dir.str("certs")});
    if (r.exit_code != 0) throw std::runtime_error("gatewayctl certs init failed: " + r.err);
    return dir.str("certs");
  }();
  return path;
}

std::vector<std::string> operator_options(int https_port, const std::string& certs_dir) {
  return {"--url", "https://localhost:" + std::to_string(https_port), "--certs", certs_dir};
}

std::vector<std::string> gateway_args(const std::string& certs, const temp_dir& dir,
                                      const std::vector<std::string>& extra_sets) {
  std::vector<std::string> args{gateway_binary(),
                                "--config",
                                source_dir() + "/config/gateway.json",
                                "--set",
                                "listen.port=0",
                                "--set",
                                "ops.port=0",
                                "--set",
                                "listen.tls.cert=" + certs + "/server.crt",
                                "--set",
                                "listen.tls.key=" + certs + "/server.key",
                                "--set",
                                "listen.tls.client_ca=" + certs + "/ca.crt",
                                "--set",
                                "storage.path=" + dir.str("gateway.db"),
                                "--set",
                                "platform.events_jsonl=" + dir.str("events.jsonl"),
                                "--set",
                                "revocation.crl_files=[\"" + certs + "/ca.crl\"]",
                                "--set",
                                "runtime.io_threads=2"};
  for (const auto& s : extra_sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  return args;
}

}  // namespace rg::testing
