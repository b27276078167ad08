#pragma once
// The simulator's record of what it accepted: one JSON line per message, appended (and, by
// default, fsync'ed) before the 200 goes out, so a test reading the file after a 200 sees it.
// Thread-safe: lines are appended under a mutex, whole.
#include <mutex>
#include <string>
#include <string_view>

namespace rg::referrer_sim {

class message_log {
 public:
  message_log() = default;  // records nothing
  ~message_log();
  message_log(const message_log&) = delete;
  message_log& operator=(const message_log&) = delete;

  // Opens (creating, appending) `path`; the error says why not.
  std::string open(const std::string& path, bool fsync);

  // Appends `line` and a newline; false if the write (or fsync) failed.
  bool append(std::string_view line);

 private:
  std::mutex mutex_;
  int fd_ = -1;
  bool fsync_ = true;
};

}  // namespace rg::referrer_sim
