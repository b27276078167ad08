#pragma once
// A BaRS reply as the outbox keeps it: the exact HTTP request to make, so a retry after a crash
// sends the same bytes with the same headers (BaRS: a retry keeps its X-Request-ID and
// X-Correlation-ID, so the receiver can recognise it). The outbox item's payload is this JSON
// object and its content type `envelope_content_type`:
//   {"url": "https://.../$process-message",
//    "headers": {"X-Request-ID": "...", "X-Correlation-ID": "...", "NHSD-Target-Identifier": "..."},
//    "message": { the servicerequest-response Bundle }}
// Keeping the headers in the payload leaves the store's outbox schema as it is for every engine.
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>

namespace gateway::bars {

inline constexpr std::string_view envelope_content_type = "application/vnd.referral-gateway.bars-reply+json";

struct reply_envelope {
  std::string url;
  std::string request_id;
  std::string correlation_id;
  std::string target_identifier;  // the header's value (base64 JSON); "" = not sent
  std::string message;            // the Bundle, serialised
};

std::string write_envelope(const reply_envelope& e);

// nullopt when `payload` is not an envelope with a url, both ids and a message object.
std::optional<reply_envelope> read_envelope(std::string_view payload);

}  // namespace gateway::bars
