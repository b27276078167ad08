#pragma once
// The character sets an incoming message may declare in MSH-18 (HL7 table 0211) that this gateway
// reads: ASCII (the default when MSH-18 is empty), ISO 8859/1 (Latin-1) and UNICODE UTF-8.
// Decoded text is always UTF-8; messages the gateway writes are UTF-8 and say so.
//
// Thread safety: pure functions.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::hl7v2 {

enum class charset { ascii, iso_8859_1, utf8 };

// The table 0211 code: "ASCII", "8859/1", "UNICODE UTF-8".
std::string_view msh18_name(charset cs);

// The character set an MSH-18 value names (exact table 0211 codes), or nullopt.
std::optional<charset> charset_from_msh18(std::string_view name);

// The offset of the first byte sequence `cs` does not allow (a byte above 0x7F in ASCII, an
// ill-formed sequence in UTF-8), or nullopt when every byte is fine.
std::optional<std::size_t> first_invalid_byte(std::string_view bytes, charset cs);

// `bytes` in `cs` as UTF-8; nullopt when they are not valid in `cs`.
std::optional<std::string> to_utf8(std::string_view bytes, charset cs);

}  // namespace gateway::hl7v2
