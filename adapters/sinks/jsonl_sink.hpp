#pragma once
// The embedded event sink (issue 4 item 5): appends each CloudEvent of the "events" channel as one
// line to a JSON Lines file, exactly once per event id, also across crashes and restarts.
//
// - Delivered means durable: a line is reported delivered only after it is written and the file
//   fdatasync'd. Items arriving together are written and synced together (one sync per batch).
// - Exactly once: at open the ids of the lines already in the file are read (the whole file: an
//   item can come back long after it was written, e.g. when a webhook behind this sink failed and
//   an operator requeued it), and a delivery whose id is already in the file is reported delivered
//   without writing. This closes the window of a crash after the append but before the outbox
//   recorded the delivery. The line's "id" must equal the outbox item id (else: permanent failure).
// - Torn line repair: a crash mid-append leaves a last line without '\n'; open() truncates the file
//   to its last complete line (synced) and keeps every complete line.
// - A failed write or sync truncates back to the last durable size and reports a transient failure,
//   so a retry never lands behind half a line.
// - One process per file: open() takes an exclusive flock and fails if another process holds it.
//   Several gateway instances on one PostgreSQL store each write their own file: exactly once
//   holds per file, and across the files it is at least once (an event an instance appended but
//   did not record before it died is appended again, same id, by the instance that takes it over).
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
#include "gateway/core/delivery_port.hpp"

namespace gateway::sinks {

struct jsonl_sink_options {
  std::string path;
  std::size_t max_line = 16 * 1024 * 1024;  // longer lines in an existing file are kept, not read
};

struct jsonl_open_report {
  std::uint64_t lines = 0;       // complete lines found
  std::uint64_t unreadable = 0;  // complete lines without a readable "id" (kept)
  std::uint64_t torn_bytes = 0;  // bytes of a torn last line that were removed
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

 private:
  struct job {
    std::string id;
    std::string payload;
    core::store_callback<core::delivery_result> done;
  };

  jsonl_sink(int fd, std::string path, std::uint64_t size, event_id_set ids, jsonl_open_report report);
  void run();
  void write_batch(std::deque<job>& batch);

  const int fd_;
  const std::string path_;
  std::uint64_t durable_size_;   // writer thread only
  bool needs_truncate_ = false;  // a failed write left bytes past durable_size_
  event_id_set ids_;             // writer thread only
  jsonl_open_report report_;
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> skipped_{0};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::sinks
