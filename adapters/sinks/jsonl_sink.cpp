#include "adapters/sinks/jsonl_sink.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <vector>

#include "adapters/sinks/jsonl_scan.hpp"
#include "gateway/files/private_paths.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::sinks {
namespace {

core::delivery_result written_result() {
  core::delivery_result r;
  r.what = core::delivery_result::kind::http_response;  // a local append counts as a 2xx
  r.http_status = 200;
  return r;
}

core::delivery_result failed(core::delivery_result::kind what, std::string detail) {
  core::delivery_result r;
  r.what = what;
  r.detail = std::move(detail);
  return r;
}

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Makes a new directory entry durable (the file itself is synced by its writes).
void sync_directory(const std::filesystem::path& dir) {
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;
  (void)::fsync(dfd);
  ::close(dfd);
}

bool write_all(int fd, const std::string& bytes, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

// Events a previous process wrote carry no creation time in the file; their outbox items were
// created before this start, give or take a wall clock that stepped back: this much.
constexpr std::chrono::hours inherited_allowance{1};

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::variant<std::unique_ptr<jsonl_sink>, std::string> jsonl_sink::open(jsonl_sink_options options) {
  const std::filesystem::path path(options.path);
  const std::string where = "platform.events_jsonl (" + options.path + "): ";
  if (options.path.empty()) return where + "no path";
  // Events carry patient data: a folder made here is 0700, the files 0600 (others lose access to
  // one that exists).
  if (auto failed = files::create_private_directories(path.parent_path()); !failed.empty()) return where + failed;
  if (auto made = files::make_file_private(path, false); !made.error.empty()) return where + made.error;
  const std::string lock_path = options.path + ".lock";
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return where + errno_text("cannot open the lock file");
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string why = errno == EWOULDBLOCK ? "locked by another process" : errno_text("cannot lock");
    ::close(lock_fd);
    return where + why;
  }
  std::error_code ec;
  // A rotation a crash cut short: the new file under its temporary name becomes the file (when the
  // old one was renamed away already), or is dropped (when not; it is empty then).
  const std::string next_path = options.path + ".next";
  if (std::filesystem::exists(next_path, ec)) {
    if (!std::filesystem::exists(path, ec)) {
      std::filesystem::rename(next_path, path, ec);
    } else {
      std::filesystem::remove(next_path, ec);
    }
  }
  const bool existed = std::filesystem::exists(path, ec);
  const int fd = ::open(options.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    const std::string why = errno_text("cannot open");
    ::close(lock_fd);
    return where + why;
  }
  const auto fail = [&](const std::string& why) {
    ::close(fd);
    ::close(lock_fd);
    return where + why;
  };
  if (!existed) sync_directory(path.parent_path());

  event_id_set ids;
  auto scanned = scan_jsonl(fd, options.max_line, [&ids](std::string_view id) { ids.insert(id); });
  if (auto* e = std::get_if<std::string>(&scanned)) return fail(*e);
  const auto& scan = std::get<jsonl_scan_result>(scanned);
  const std::int64_t inherited_bound = now_ms() + std::chrono::milliseconds(inherited_allowance).count();
  auto segments = jsonl_segments::open(path, inherited_bound, options.max_line);
  if (auto* e = std::get_if<std::string>(&segments)) return fail(*e);
  jsonl_open_report report{scan.lines, scan.unreadable, scan.file_size - scan.good_size, scan.file_size,
                           std::get<jsonl_segments>(segments).segments().size()};
  if (report.torn_bytes > 0) {
    // The tail after the last '\n' is an append that a crash cut short; it was never reported
    // delivered, so its event comes again from the outbox.
    if (::ftruncate(fd, static_cast<off_t>(scan.good_size)) != 0 || ::fdatasync(fd) != 0)
      return fail(errno_text("cannot repair the torn last line"));
    telemetry::warn("events file: removed a torn last line",
                    {{"path", options.path}, {"bytes", static_cast<unsigned long>(report.torn_bytes)}});
  }
  if (report.unreadable > 0) {
    telemetry::warn("events file: complete lines without an event id were kept",
                    {{"path", options.path}, {"lines", static_cast<unsigned long>(report.unreadable)}});
  }
  telemetry::info("events file opened", {{"path", options.path},
                                         {"lines", static_cast<unsigned long>(report.lines)},
                                         {"bytes_read", static_cast<unsigned long>(report.bytes_read)},
                                         {"rotated_segments", static_cast<unsigned long>(report.segments)}});
  const std::uint64_t size = scan.good_size;
  return std::unique_ptr<jsonl_sink>(new jsonl_sink(lock_fd, fd, std::move(options), size, std::move(ids),
                                                    scan.lines > 0 ? inherited_bound : 0,
                                                    std::get<jsonl_segments>(std::move(segments)), report));
}

jsonl_sink::jsonl_sink(int lock_fd, int fd, jsonl_sink_options options, std::uint64_t size, event_id_set ids,
                       std::int64_t newest_created_ms, jsonl_segments segments, jsonl_open_report report)
    : lock_fd_(lock_fd),
      fd_(fd),
      options_(std::move(options)),
      durable_size_(size),
      ids_(std::move(ids)),
      newest_created_ms_(newest_created_ms),
      segments_(std::move(segments)),
      report_(report) {
  thread_ = std::thread([this] { run(); });
}

jsonl_sink::~jsonl_sink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  ::close(fd_);
  ::close(lock_fd_);  // releases the flock
}

void jsonl_sink::deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      const auto created = std::chrono::duration_cast<std::chrono::milliseconds>(item.created_at.time_since_epoch());
      queue_.push_back(job{item.item.id, created.count(), item.item.payload, std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(failed(core::delivery_result::kind::transient_failure, "events file is closing"));
}

void jsonl_sink::run() {
  for (;;) {
    std::deque<job> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      batch.swap(queue_);
    }
    write_batch(batch);
  }
}

void jsonl_sink::write_batch(std::deque<job>& batch) {
  enum class fate { written, twice, skipped, rejected };
  std::vector<fate> fates(batch.size(), fate::rejected);
  std::vector<std::string> reasons(batch.size());
  std::string bytes;
  event_id_set in_batch;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const job& j = batch[i];
    // Two memchr scans: find_first_of("\r\n") looks each byte up in the set (one call per byte).
    if (j.payload.find('\n') != std::string::npos || j.payload.find('\r') != std::string::npos) {
      reasons[i] = "event is not one line of JSON";
    } else if (event_id_of(j.payload) != j.id) {
      reasons[i] = "event \"id\" missing or not the outbox item id";
    } else if (ids_.contains(j.id) || segments_.contains(j.id, j.created_ms)) {
      fates[i] = fate::skipped;  // written before: a crash or a lost record between append and mark
    } else if (!in_batch.insert(j.id)) {
      fates[i] = fate::twice;  // shares the fate of its first copy in this batch
    } else {
      fates[i] = fate::written;
      bytes += j.payload;
      bytes += '\n';
    }
  }

  std::string failure;
  if (!bytes.empty()) {
    rotate_if_due(bytes.size());
    if (needs_truncate_ && ::ftruncate(fd_, static_cast<off_t>(durable_size_)) != 0) {
      failure = errno_text("truncate after a failed write");
    } else {
      needs_truncate_ = false;
      if (!write_all(fd_, bytes, durable_size_)) {
        failure = errno_text("write");
      } else if (::fdatasync(fd_) != 0) {
        failure = errno_text("fdatasync");
      }
      if (!failure.empty()) {
        // Leave no partial line behind: the retry appends at the last durable size.
        needs_truncate_ = ::ftruncate(fd_, static_cast<off_t>(durable_size_)) != 0;
      } else {
        durable_size_ += bytes.size();
      }
    }
    if (!failure.empty()) telemetry::error("events file: append failed", {{"path", options_.path}, {"error", failure}});
  }

  for (std::size_t i = 0; i < batch.size(); ++i) {
    job& j = batch[i];
    switch (fates[i]) {
      case fate::rejected:
        j.done(failed(core::delivery_result::kind::permanent_failure, reasons[i]));
        break;
      case fate::skipped:
        skipped_.fetch_add(1, std::memory_order_relaxed);
        telemetry::write(telemetry::level::debug, "events file: event already written", {{"id", j.id}});
        j.done(written_result());
        break;
      case fate::written:
      case fate::twice:
        if (!failure.empty()) {
          j.done(failed(core::delivery_result::kind::transient_failure, "events file: " + failure));
        } else {
          if (ids_.insert(j.id)) written_.fetch_add(1, std::memory_order_relaxed);
          newest_created_ms_ = std::max(newest_created_ms_, j.created_ms);
          j.done(written_result());
        }
        break;
    }
  }
}

void jsonl_sink::rotate_if_due(std::size_t bytes) {
  if (options_.rotate_bytes == 0 || durable_size_ == 0 || durable_size_ + bytes <= options_.rotate_bytes) return;
  // A failed write may have left bytes past the durable size: the segment ends at the last line.
  if (needs_truncate_) {
    if (::ftruncate(fd_, static_cast<off_t>(durable_size_)) != 0) return;
    needs_truncate_ = false;
  }
  // The next file is made first under a temporary name, so a failure to make it changes nothing;
  // open() finishes a rotation that a crash cut short after the rename.
  const std::string next_path = options_.path + ".next";
  const int fd = ::open(next_path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    telemetry::error("events file: rotation failed; appending to the current file", {{"error", errno_text("open")}});
    return;
  }
  if (auto failed = segments_.rotate(ids_, newest_created_ms_); !failed.empty()) {
    ::close(fd);
    ::unlink(next_path.c_str());
    telemetry::error("events file: rotation failed; appending to the current file", {{"error", failed}});
    return;
  }
  if (::rename(next_path.c_str(), options_.path.c_str()) != 0) {
    telemetry::error("events file: rotated, but the new file keeps its temporary name until restart",
                     {{"path", next_path}, {"error", errno_text("rename")}});
  }
  sync_directory(std::filesystem::path(options_.path).parent_path());
  ::close(fd_);
  fd_ = fd;
  durable_size_ = 0;
  ids_.clear();
  newest_created_ms_ = 0;
  rotations_.fetch_add(1, std::memory_order_relaxed);
  telemetry::info("events file: rotated", {{"path", options_.path}});
}

}  // namespace gateway::sinks
