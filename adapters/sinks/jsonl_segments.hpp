#pragma once
// The rotated part of the JSON Lines event file. When the file passes its size limit, the sink
// renames it to `<path>.<N>` (N = 000001, 000002, ...) and starts a new, empty `<path>`; next to
// each rotated segment it keeps an index `<path>.<N>.ids`: the ids of the events in the segment,
// sorted, plus an upper bound on when those events were created (their outbox items' created_at).
//
// Exactly once across rotation: an event that comes again (a crash between append and record, a
// webhook behind the file that failed, an operator's retry) can only be in segments that were
// still being written after it was created, so the sink looks it up only in the indexes whose
// bound is at or after its creation: for new events that is at most the last segment or two, and
// each lookup is a binary search in the index file. Start-up reads the active file and each
// index's 32-byte header, never the rotated events themselves (an index that is missing, e.g.
// after a crash in the middle of a rotation, is rebuilt from its one segment).
//
// Consumers may move rotated segments away once read; keep the .ids files (a few MB per million
// events), or exactly-once is only as long as they remain.
//
// Index file: "RGIDS1\n\0", then newest_created_ms, uuid_count, other_count (uint64 each, host
// byte order); uuid_count 16-byte keys in ascending order (event_id_set::uuid_key); then
// other_count ids as (uint32 length, bytes), in ascending order.
//
// Thread safety: none; the sink's writer thread owns it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/sinks/event_id_set.hpp"

namespace gateway::sinks {

struct segment_info {
  std::uint64_t number = 0;
  std::int64_t newest_created_ms = 0;  // no event in the segment was created after this
  std::filesystem::path index;
};

class jsonl_segments {
 public:
  // Finds the segments and indexes of `events_path` (rebuilding missing indexes; an index of a
  // rebuilt segment gets `inherited_bound_ms` as its bound). The error names the file.
  static std::variant<jsonl_segments, std::string> open(const std::filesystem::path& events_path,
                                                        std::int64_t inherited_bound_ms, std::size_t max_line);

  // Whether an event with this id, created at created_ms, is in a rotated segment.
  bool contains(std::string_view id, std::int64_t created_ms) const;

  // Rotates: writes the index of the active file's `ids` (bound `newest_created_ms`), then renames
  // the active file to the next segment. The caller opens the new active file. Returns the error;
  // on error nothing was renamed.
  std::string rotate(const event_id_set& ids, std::int64_t newest_created_ms);

  const std::vector<segment_info>& segments() const { return segments_; }
  std::uint64_t next_number() const { return next_; }

  // "<path>.000042" and "<path>.000042.ids".
  static std::filesystem::path segment_path(const std::filesystem::path& events_path, std::uint64_t number);
  static std::filesystem::path index_path(const std::filesystem::path& events_path, std::uint64_t number);

  // Writes an index file (through a temporary file and a rename; synced). Returns the error.
  static std::string write_index(const std::filesystem::path& file, const event_id_set& ids,
                                 std::int64_t newest_created_ms);

 private:
  explicit jsonl_segments(std::filesystem::path events_path) : path_(std::move(events_path)) {}

  std::filesystem::path path_;
  std::vector<segment_info> segments_;  // ascending number
  std::uint64_t next_ = 1;
};

}  // namespace gateway::sinks
