#pragma once
// A new UUID for ids the gateway makes up (new resources, AuditEvents, outbox items, request ids):
// version 7 (RFC 9562), lower case, 36 characters. The first 48 bits are the Unix time in
// milliseconds, the other 74 free bits come from OpenSSL's CSPRNG. Ids made later sort after
// earlier ones (to the millisecond), so the store's B-trees keyed by id (resources, history,
// outbox, audit by entity) take new rows at their right edge instead of on a random leaf each:
// far fewer pages written per commit and copied by each checkpoint (BENCHMARKS.md, issue 16).
// An id says when it was made, as the resource's meta.lastUpdated already does; access to a
// resource never depends on its id being hard to guess (every read decides access). Thread-safe.
#include <cstdint>
#include <string>

namespace gateway::app {

std::string time_ordered_uuid();

// The formatting step, for tests: a version-7 UUID from a time and ten random bytes.
std::string format_uuid_v7(std::uint64_t unix_ms, const unsigned char (&random)[10]);

}  // namespace gateway::app
