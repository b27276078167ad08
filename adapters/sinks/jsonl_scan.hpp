#pragma once
// Reading an existing JSON Lines event file at start-up: the id of every complete event line,
// and where the last complete line ends. A crash in the middle of an append leaves a last line
// without its '\n' (possibly with garbage after a partial write); everything after the last '\n'
// is that torn line. Complete lines are never judged by their content: a line that does not
// parse is counted and kept, so no complete line is ever lost.
//
// Reads the whole file in 64 KiB chunks (memory: one line at most `max_line` bytes, plus the ids).
// Thread safety: a pure function of the file descriptor's contents.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

namespace gateway::sinks {

struct jsonl_scan_result {
  std::uint64_t good_size = 0;   // bytes up to and including the last '\n'
  std::uint64_t file_size = 0;   // bytes read; file_size > good_size means a torn last line
  std::uint64_t lines = 0;       // complete lines
  std::uint64_t unreadable = 0;  // complete lines that are not a JSON object with a string "id"
};

// Calls `on_id` with the "id" of each complete line. Returns the error text of a failed read.
std::variant<jsonl_scan_result, std::string> scan_jsonl(int fd, std::size_t max_line,
                                                        const std::function<void(std::string_view)>& on_id);

// The "id" member of one line that holds a JSON object; empty when it has none (or is not JSON).
std::string event_id_of(std::string_view line);

}  // namespace gateway::sinks
