#pragma once
// BaRS transactional integrity (BaRS Core, "Transactional integrity"; API 1.5.0 parameters
// X-Request-Id and X-Correlation-Id, both required, format uuid): every message carries both
// ids. The sender makes them; a receiver echoes both in its answer, refuses a message without
// them (400 REC_BAD_REQUEST), and never processes two messages with the same pair. A later
// message of the same conversation (an update, a cancellation, each asynchronous reply) has a
// new X-Request-ID and the same X-Correlation-ID; a retry repeats both.
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/error.hpp"

namespace gateway::bars {

// 8-4-4-4-12 hexadecimal digits, either case (RFC 9562 text form; any version).
bool is_uuid(std::string_view text);

struct transaction_ids {
  std::string request_id;      // X-Request-ID, lower-cased
  std::string correlation_id;  // X-Correlation-ID, lower-cased
};

// Both header values checked: missing (nullopt or empty) or not a UUID is an error_kind::invalid
// naming the header. UUIDs are compared case-insensitively, so they are kept lower-case.
core::result<transaction_ids> read_transaction_ids(std::optional<std::string_view> request_id,
                                                   std::optional<std::string_view> correlation_id);

}  // namespace gateway::bars
