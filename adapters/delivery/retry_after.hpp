#pragma once
// The HTTP Retry-After field (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date, turned
// into the wait it asks for. Pure; callable from any thread; never throws.
#include <chrono>
#include <optional>
#include <string_view>

namespace gateway::delivery {

// "120" -> 120 s; "Wed, 21 Oct 2015 07:28:00 GMT" (also the obsolete RFC 850 and asctime forms
// that recipients must accept) -> the time from `now` to that date, rounded up to whole seconds,
// 0 if it is already past. Anything else -> nullopt (the field is ignored). Very large values are
// capped at one year, so arithmetic on the result cannot overflow.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// An HTTP-date in any of the three forms, as a point in time; nullopt if it is not one.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text);

}  // namespace gateway::delivery
