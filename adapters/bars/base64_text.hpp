#pragma once
// Base64 (RFC 4648 section 4, the standard alphabet) for the BaRS headers that carry base64 JSON
// (NHSD-Target-Identifier, NHSD-End-User-Organisation, NHSD-Requesting-Software). Strict: only
// the standard alphabet, no whitespace, '=' padding only at the end and only as much as the
// length calls for (it may be left out). Bounded by the caller (header limits).
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>

namespace gateway::bars {

// The decoded bytes, or nullopt when `text` is not base64 as above (or empty).
std::optional<std::string> decode_base64(std::string_view text);

std::string encode_base64(std::string_view bytes);

}  // namespace gateway::bars
