#pragma once
// Stamps `id`, `meta.versionId` and `meta.lastUpdated` into a resource's JSON as it is stored, so
// the stored text always agrees with its version row. Keeps every other member and every number
// exactly as written (FHIR decimals keep their precision).
//
// Two paths, one result. The JSON the core plans is compact (RapidJSON's Writer: no whitespace,
// only the escapes that Writer makes): stamp_meta_compact checks its grammar while copying the
// members it keeps as spans of the text, with no parse tree and no second serialisation (on the
// store writer's thread, where every stored version goes through here: issue 16). Anything else
// (whitespace, a \u or \/ escape, a key with an escape, a non-string resourceType, a non-object
// meta, anything malformed) goes to stamp_meta_rewritten, a SAX parse and rewrite, which decides.
// Where the compact path answers, its answer is byte for byte the rewrite's (json_meta_test).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::sql_store {

// The patched JSON, or nullopt if `json` is not a well-formed JSON object. Any existing `id`,
// `meta.versionId` and `meta.lastUpdated` are replaced; other `meta` members are kept.
std::optional<std::string> stamp_meta(std::string_view json, std::string_view id, std::int64_t version,
                                      std::string_view last_updated);

// The two paths, for tests. stamp_meta_compact answers nullopt when the text is not in the form
// it handles (including malformed text): then stamp_meta asks stamp_meta_rewritten.
std::optional<std::string> stamp_meta_compact(std::string_view json, std::string_view id, std::string_view version,
                                              std::string_view last_updated);
std::optional<std::string> stamp_meta_rewritten(std::string_view json, std::string_view id, std::string_view version,
                                                std::string_view last_updated);

}  // namespace gateway::sql_store
