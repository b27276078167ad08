#pragma once
// The opaque, URL-safe paging token: the sort signature, then the last row's sort values and its
// write sequence, each hex encoded and joined by '.'. A cursor from a query with another sort is
// refused rather than misread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gateway::sql_store {

struct cursor_position {
  std::string signature;            // describes the sort keys the values belong to
  std::vector<std::string> values;  // one per sort key
  std::int64_t seq = 0;             // tie-breaker: the row's write sequence
};

std::string encode_cursor(const cursor_position& position);
std::optional<cursor_position> decode_cursor(const std::string& token);

}  // namespace gateway::sql_store
