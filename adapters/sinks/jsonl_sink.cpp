#include "adapters/sinks/jsonl_sink.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "adapters/sinks/jsonl_scan.hpp"
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

std::variant<std::unique_ptr<jsonl_sink>, std::string> jsonl_sink::open(jsonl_sink_options options) {
  const std::filesystem::path path(options.path);
  const std::string where = "platform.events_jsonl (" + options.path + "): ";
  if (options.path.empty()) return where + "no path";
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const bool existed = std::filesystem::exists(path, ec);
  const int fd = ::open(options.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return where + errno_text("cannot open");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string why = errno == EWOULDBLOCK ? "locked by another process" : errno_text("cannot lock");
    ::close(fd);
    return where + why;
  }
  if (!existed) sync_directory(path.parent_path());

  event_id_set ids;
  auto scanned = scan_jsonl(fd, options.max_line, [&ids](std::string_view id) { ids.insert(id); });
  if (auto* e = std::get_if<std::string>(&scanned)) {
    ::close(fd);
    return where + *e;
  }
  const auto& scan = std::get<jsonl_scan_result>(scanned);
  jsonl_open_report report{scan.lines, scan.unreadable, scan.file_size - scan.good_size};
  if (report.torn_bytes > 0) {
    // The tail after the last '\n' is an append that a crash cut short; it was never reported
    // delivered, so its event comes again from the outbox.
    if (::ftruncate(fd, static_cast<off_t>(scan.good_size)) != 0 || ::fdatasync(fd) != 0) {
      const std::string why = errno_text("cannot repair the torn last line");
      ::close(fd);
      return where + why;
    }
    telemetry::warn("events file: removed a torn last line",
                    {{"path", options.path}, {"bytes", static_cast<unsigned long>(report.torn_bytes)}});
  }
  if (report.unreadable > 0) {
    telemetry::warn("events file: complete lines without an event id were kept",
                    {{"path", options.path}, {"lines", static_cast<unsigned long>(report.unreadable)}});
  }
  return std::unique_ptr<jsonl_sink>(new jsonl_sink(fd, options.path, scan.good_size, std::move(ids), report));
}

jsonl_sink::jsonl_sink(int fd, std::string path, std::uint64_t size, event_id_set ids, jsonl_open_report report)
    : fd_(fd), path_(std::move(path)), durable_size_(size), ids_(std::move(ids)), report_(report) {
  thread_ = std::thread([this] { run(); });
}

jsonl_sink::~jsonl_sink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  ::close(fd_);  // also releases the flock
}

void jsonl_sink::deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(job{item.item.id, item.item.payload, std::move(done)});
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
    if (j.payload.find_first_of("\r\n") != std::string::npos) {
      reasons[i] = "event is not one line of JSON";
    } else if (event_id_of(j.payload) != j.id) {
      reasons[i] = "event \"id\" missing or not the outbox item id";
    } else if (ids_.contains(j.id)) {
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
    if (!failure.empty()) telemetry::error("events file: append failed", {{"path", path_}, {"error", failure}});
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
          j.done(written_result());
        }
        break;
    }
  }
}

}  // namespace gateway::sinks
