#pragma once
// Value types the storage port reads and writes: resources, units of work, outbox items, audit
// records. Plain data: copyable, no behaviour, safe to move between threads.

#include "gateway/core/store_errc.hpp"

#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gateway::core {

// One version of a resource as stored. `json` is the full resource and always carries `id`,
// `meta.versionId` and `meta.lastUpdated` equal to the fields here: the store patches them in at
// commit, so what a reader gets is exactly what the version row says.
struct resource_record {
  std::string type;
  std::string id;
  std::int64_t version = 0;  // 1 for a create, +1 per update or delete
  std::string last_updated;  // FHIR instant, UTC, ms: "2024-05-01T10:00:00.123Z"
  std::string owner_org;     // organisation that owns it for access scoping; "" = none
  std::string json;          // empty for a delete (tombstone) version
  bool deleted = false;
};

struct resource_ref {
  std::string type;
  std::string id;
  friend bool operator==(const resource_ref&, const resource_ref&) = default;
};

// A search parameter value computed by the core, e.g. {"identifier","sys|val"}, {"status","active"},
// {"patient","Patient/123"}, {"priority-rank","0"}. Values are matched exactly and sorted as text,
// so the core encodes sortable values to sort as text (fixed width, zero padded).
struct index_entry {
  std::string param;
  std::string value;
};

enum class write_kind : std::uint8_t {
  create,  // fails with already_exists if the type/id exists (even as a tombstone)
  update,  // fails with not_found if it does not exist; an update of a deleted one revives it
  remove,  // writes a tombstone version; json and index are ignored
};

struct resource_write {
  write_kind kind = write_kind::create;
  std::string type;
  std::string id;  // chosen by the core (uuid) for creates
  // If-Match for update/remove: version_conflict unless it is the current version.
  // nullopt = any version (PUT without If-Match). Ignored for create.
  std::optional<std::int64_t> expected_version;
  std::string owner_org;
  std::string json;                // the resource; id/meta.versionId/meta.lastUpdated are set by the store
  std::vector<index_entry> index;  // replaces the resource's whole index
};

// Claims (owner_org, system, value) for a resource. Claims are unique and permanent: a second claim
// of the same triple fails the unit with identifier_taken and the holder's reference.
struct identifier_claim {
  std::string owner_org;
  std::string system;
  std::string value;
  std::string resource_type;
  std::string resource_id;
};

// A message to deliver later, written in the same transaction as the change that caused it.
struct outbox_item {
  std::string id;            // stable message id (uuid): MessageHeader.id / CloudEvents id
  std::string channel;       // "events", "feedback"
  std::string destination;   // e.g. the referrer organisation or sink name
  std::string ordering_key;  // in order per (channel, ordering_key), e.g. the ServiceRequest id
  std::string content_type;
  std::string payload;
};

enum class audit_action : char { create = 'C', read = 'R', update = 'U', remove = 'D', execute = 'E' };

struct audit_record {
  std::string id;        // the AuditEvent id
  std::string recorded;  // FHIR instant; empty = the store sets the commit time
  std::string caller_org;
  std::string caller_role;
  audit_action action = audit_action::read;
  std::string entity_type;  // the resource the access was about ("" if none)
  std::string entity_id;
  std::string outcome;     // AuditEvent.outcome code: "0", "4", "8", "12"
  std::string request_id;  // X-Request-ID
  std::string json;        // the AuditEvent resource as stored
};

// Everything one request changes, applied as one atomic transaction: all of it or nothing.
struct unit_of_work {
  std::vector<resource_write> writes;
  std::vector<identifier_claim> claims;  // usually zero or one (the referral identifier)
  std::vector<outbox_item> outbox;
  std::vector<audit_record> audits;
};

struct commit_result {
  std::vector<resource_record> written;  // one per write, same order, with version and time set
};

struct commit_failure {
  boost::system::error_code code;               // a store_errc
  std::string detail;                           // for logs; never patient identifiers
  std::optional<resource_ref> existing;         // identifier_taken: who holds the claim
  std::optional<std::size_t> write_index;       // which write failed (conflict, exists, not found)
  std::optional<std::int64_t> current_version;  // version_conflict: the version on disk
};

// Lets result<T, commit_failure>::value() throw when it holds an error.
[[noreturn]] inline void throw_exception_from_error(const commit_failure& f, const boost::source_location&) {
  throw boost::system::system_error(f.code, f.detail);
}

using commit_outcome = boost::system::result<commit_result, commit_failure>;
using read_outcome = boost::system::result<resource_record>;

}  // namespace gateway::core
