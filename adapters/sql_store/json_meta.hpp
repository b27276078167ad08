#pragma once
// Stamps `id`, `meta.versionId` and `meta.lastUpdated` into a resource's JSON as it is stored, so
// the stored text always agrees with its version row. Streams the text once (SAX), keeps every
// other member and every number exactly as written (FHIR decimals keep their precision).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::sql_store {

// The patched JSON, or nullopt if `json` is not a well-formed JSON object. Any existing `id`,
// `meta.versionId` and `meta.lastUpdated` are replaced; other `meta` members are kept.
std::optional<std::string> stamp_meta(std::string_view json, std::string_view id, std::int64_t version,
                                      std::string_view last_updated);

}  // namespace gateway::sql_store
