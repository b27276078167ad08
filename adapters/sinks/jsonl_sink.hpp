#pragma once
// The embedded event sink (issue 4 item 5): appends each CloudEvent of the "events" channel as one
// line to a JSON Lines file, exactly once per event id, also across crashes, restarts and
// rotations.
//
// - Delivered means durable: a line is reported delivered only after it is written and the file
//   fdatasync'd. Items arriving together are written and synced together (one sync per batch).
// - Rotation: once the file would pass `rotate_bytes`, it is renamed to `<path>.<N>` and a new
//   one started (jsonl_segments.hpp); a batch never straddles two files.
// - Exactly once: a delivery whose id is already in the file, or in a rotated segment written
//   after the event was created, is reported delivered without writing. At open the ids of the
//   active file are read (bounded by rotate_bytes), never the rotated segments: their sorted
//   indexes are searched when needed. An item can come back long after it was written (a webhook
//   behind this sink failed and an operator requeued it) and still finds its line. This closes
//   the window of a crash after the append but before the outbox recorded the delivery. The line's
//   "id" must equal the outbox item id (else: permanent failure).
// - Torn line repair: a crash mid-append leaves a last line without '\n'; open() truncates the file
//   to its last complete line (synced) and keeps every complete line.
// - A failed write or sync truncates back to the last durable size and reports a transient failure,
//   so a retry never lands behind half a line.
// - One process per file: open() takes an exclusive flock on `<path>.lock` and fails if another
//   process holds it. Several gateway instances on one PostgreSQL store each write their own file:
//   exactly once holds per file, and across the files it is at least once (an event an instance
//   appended but did not record before it died is appended again, same id, by the instance that
//   takes it over).
// - Private: a folder made here is 0700, the files 0600.
//
// Thread safety: deliver() may be called from any thread; the file is written by the sink's own
// thread, and `done` runs there. The destructor finishes the batch in progress, drops the queued
// ones without calling them (their outbox leases are released at the next start), and joins.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "adapters/sinks/event_id_set.hpp"
#include "adapters/sinks/jsonl_segments.hpp"
#include "gateway/core/delivery_port.hpp"

namespace gateway::sinks {

struct jsonl_sink_options {
  std::string path;
  std::size_t max_line = 16 * 1024 * 1024;  // longer lines in an existing file are kept, not read
  std::size_t rotate_bytes = 0;             // rotate before the file would pass this; 0 = never
};

struct jsonl_open_report {
  std::uint64_t lines = 0;       // complete lines found in the active file
  std::uint64_t unreadable = 0;  // complete lines without a readable "id" (kept)
  std::uint64_t torn_bytes = 0;  // bytes of a torn last line that were removed
  std::uint64_t bytes_read = 0;  // what start-up read of the events (the active file only)
  std::uint64_t segments = 0;    // rotated segments known by their index
};

class jsonl_sink final : public core::delivery_port {
 public:
  // Opens (creating it and its folder if missing), locks, reads and repairs the file, then starts
  // the writer thread. The error text names the path and what failed.
  static std::variant<std::unique_ptr<jsonl_sink>, std::string> open(jsonl_sink_options options);

  ~jsonl_sink() override;
  jsonl_sink(const jsonl_sink&) = delete;
  jsonl_sink& operator=(const jsonl_sink&) = delete;

  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override;

  const jsonl_open_report& open_report() const { return report_; }
  std::uint64_t lines_written() const { return written_.load(); }
  std::uint64_t duplicates_skipped() const { return skipped_.load(); }
  std::uint64_t rotations() const { return rotations_.load(); }

 private:
  struct job {
    std::string id;
    std::int64_t created_ms = 0;  // the outbox item's created_at
    std::string payload;
    core::store_callback<core::delivery_result> done;
  };

  jsonl_sink(int lock_fd, int fd, jsonl_sink_options options, std::uint64_t size, event_id_set ids,
             std::int64_t newest_created_ms, jsonl_segments segments, jsonl_open_report report);
  void run();
  void write_batch(std::deque<job>& batch);
  // Before appending `bytes`: rotates when the file would pass rotate_bytes. A failure is logged
  // and the append goes to the current file.
  void rotate_if_due(std::size_t bytes);

  const int lock_fd_;
  int fd_;  // writer thread only (rotation replaces it)
  const jsonl_sink_options options_;
  std::uint64_t durable_size_;      // writer thread only
  bool needs_truncate_ = false;     // a failed write left bytes past durable_size_
  event_id_set ids_;                // writer thread only: the active file's ids
  std::int64_t newest_created_ms_;  // writer thread only: bound for the active file's index
  jsonl_segments segments_;         // writer thread only
  jsonl_open_report report_;
  std::atomic<std::uint64_t> rotations_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> skipped_{0};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::sinks
