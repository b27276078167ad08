// sync_probe: an LD_PRELOAD library for tests that must see the order of what the gateway does
// with its SQLite WAL and its sockets, not only its answers. Loaded into the real binary
// (LD_PRELOAD=librg_sync_probe.so), it forwards every call to the C library and logs, one line
// per event with a global sequence number, to the file named by RG_SYNC_PROBE_LOG:
//
//   W <seq> <fd> <token>...  a write to a file whose name ends in "-wal" (SQLite's WAL) whose bytes
//                            contain tokens starting with RG_SYNC_PROBE_MARKER (e.g. referral numbers)
//   B <seq> <fd>             fsync/fdatasync of a "-wal" file begins
//   E <seq> <fd> <rc>        ... and returns rc (0 = durable)
//   S <seq> <fd>             bytes handed to a socket (send, sendmsg, write on a socket)
//
// With RG_SYNC_PROBE_FAIL naming a file, every fsync/fdatasync of a "-wal" file fails with EIO
// while that file exists (a disk that stops syncing), without syncing.
//
// With RG_SYNC_PROBE_KILL naming a file, while that file exists: once a WAL write carrying a marked
// token has been made durable (an fsync of that WAL that began after it returned 0), the next send
// on any socket SIGKILLs the process instead: a crash after a commit and before its answer.
//
// Test-only; never linked into the gateway. Plain C library calls; thread-safe (one write() per
// line on an O_APPEND descriptor).
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using write_fn = ssize_t (*)(int, const void*, size_t);
using pwrite_fn = ssize_t (*)(int, const void*, size_t, off_t);
using writev_fn = ssize_t (*)(int, const struct iovec*, int);
using sync_fn = int (*)(int);
using send_fn = ssize_t (*)(int, const void*, size_t, int);
using sendmsg_fn = ssize_t (*)(int, const struct msghdr*, int);
using sendto_fn = ssize_t (*)(int, const void*, size_t, int, const struct sockaddr*, socklen_t);

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

std::atomic<unsigned long long> sequence{0};
// RG_SYNC_PROBE_KILL: a marked WAL write seen (its descriptor + 1), and then made durable.
std::atomic<int> marked_wal{0};
std::atomic<bool> marked_durable{false};

int log_fd() {
  static const int fd = [] {
    const char* path = std::getenv("RG_SYNC_PROBE_LOG");
    return path == nullptr ? -1 : ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  }();
  return fd;
}

void log_line(const std::string& line) {
  static const write_fn real_write = next<write_fn>("write");
  if (log_fd() >= 0) (void)real_write(log_fd(), line.data(), line.size());
}

enum class kind { other, wal, socket };

kind kind_of(int fd) {
  if (fd < 0 || fd == log_fd()) return kind::other;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) return kind::socket;
  char link[64];
  char target[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, target, sizeof target);
  if (n > 4 && std::string_view(target, static_cast<std::size_t>(n)).ends_with("-wal")) return kind::wal;
  return kind::other;
}

std::string seq_text() {
  return std::to_string(sequence.fetch_add(1) + 1);
}

// Logs a WAL write that carries marked tokens (others are not interesting to the tests).
void wal_written(int fd, const void* data, std::size_t size) {
  const char* marker = std::getenv("RG_SYNC_PROBE_MARKER");
  if (marker == nullptr || *marker == '\0') return;
  const std::string_view bytes(static_cast<const char*>(data), size);
  std::string tokens;
  for (std::size_t at = bytes.find(marker); at != std::string_view::npos; at = bytes.find(marker, at + 1)) {
    std::size_t end = at;
    while (end < bytes.size() && end - at < 40 &&
           (std::isalnum(static_cast<unsigned char>(bytes[end])) || bytes[end] == '-'))
      ++end;
    tokens += ' ';
    tokens.append(bytes.substr(at, end - at));
  }
  if (tokens.empty()) return;
  marked_wal.store(fd + 1);
  log_line("W " + seq_text() + " " + std::to_string(fd) + tokens + "\n");
}

bool file_exists(const char* path) {
  struct stat st {};
  return path != nullptr && ::stat(path, &st) == 0;
}

void socket_send(int fd) {
  if (marked_durable.load() && file_exists(std::getenv("RG_SYNC_PROBE_KILL"))) {
    log_line("K " + seq_text() + " " + std::to_string(fd) + "\n");
    ::kill(::getpid(), SIGKILL);
  }
  log_line("S " + seq_text() + " " + std::to_string(fd) + "\n");
}

int synced(int fd, sync_fn real) {
  if (kind_of(fd) != kind::wal) return real(fd);
  log_line("B " + seq_text() + " " + std::to_string(fd) + "\n");
  const bool covers_marked = marked_wal.load() == fd + 1;
  int rc = 0;
  if (file_exists(std::getenv("RG_SYNC_PROBE_FAIL"))) {
    rc = -1;
    errno = EIO;
  } else {
    rc = real(fd);
  }
  const int saved = errno;
  if (rc == 0 && covers_marked) marked_durable.store(true);
  log_line("E " + seq_text() + " " + std::to_string(fd) + " " + std::to_string(rc) + "\n");
  errno = saved;
  return rc;
}

}  // namespace

extern "C" {

int fsync(int fd) {
  static const sync_fn real = next<sync_fn>("fsync");
  return synced(fd, real);
}

int fdatasync(int fd) {
  static const sync_fn real = next<sync_fn>("fdatasync");
  return synced(fd, real);
}

ssize_t write(int fd, const void* data, size_t size) {
  static const write_fn real = next<write_fn>("write");
  const kind k = kind_of(fd);
  if (k == kind::socket) socket_send(fd);
  const ssize_t n = real(fd, data, size);
  if (k == kind::wal && n > 0) wal_written(fd, data, static_cast<std::size_t>(n));
  return n;
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static const pwrite_fn real = next<pwrite_fn>("pwrite");
  const ssize_t n = real(fd, data, size, offset);
  if (n > 0 && kind_of(fd) == kind::wal) wal_written(fd, data, static_cast<std::size_t>(n));
  return n;
}

ssize_t pwrite64(int fd, const void* data, size_t size, off_t offset) {
  static const pwrite_fn real = next<pwrite_fn>("pwrite64");
  const ssize_t n = real(fd, data, size, offset);
  if (n > 0 && kind_of(fd) == kind::wal) wal_written(fd, data, static_cast<std::size_t>(n));
  return n;
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  static const writev_fn real = next<writev_fn>("writev");
  if (kind_of(fd) == kind::socket) socket_send(fd);
  return real(fd, iov, count);
}

ssize_t send(int fd, const void* data, size_t size, int flags) {
  static const send_fn real = next<send_fn>("send");
  socket_send(fd);
  return real(fd, data, size, flags);
}

ssize_t sendto(int fd, const void* data, size_t size, int flags, const struct sockaddr* to, socklen_t len) {
  static const sendto_fn real = next<sendto_fn>("sendto");
  socket_send(fd);
  return real(fd, data, size, flags, to, len);
}

ssize_t sendmsg(int fd, const struct msghdr* message, int flags) {
  static const sendmsg_fn real = next<sendmsg_fn>("sendmsg");
  socket_send(fd);
  return real(fd, message, flags);
}

}  // extern "C"
