#include "tools/referrer-sim/message_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rg::referrer_sim {

message_log::~message_log() {
  if (fd_ >= 0) ::close(fd_);
}

std::string message_log::open(const std::string& path, bool fsync) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return "cannot open " + path + ": " + std::strerror(errno);
  fsync_ = fsync;
  return {};
}

bool message_log::append(std::string_view line) {
  if (fd_ < 0) return true;
  std::string whole(line);
  whole += '\n';
  std::lock_guard lock(mutex_);
  std::string_view rest = whole;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  return !fsync_ || ::fdatasync(fd_) == 0;
}

}  // namespace rg::referrer_sim
