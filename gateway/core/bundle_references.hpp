#pragma once
// urn:uuid: references inside a transaction Bundle (FHIR R4 http.html#trules, "resolving
// references in Bundles"): finding the ones no entry's fullUrl resolves, and rewriting each to
// the Type/id the gateway stores that entry under.
//
// Every element named `reference` with a string value is a Reference.reference (R4 has no other
// element of that name), so the walk is generic over resource types and reaches contained
// resources and nested backbone elements too. urn:uuid: strings elsewhere (canonical, uri) are
// not references to Bundle entries and are left alone.
//
// Thread safety: pure functions.

#include <rapidjson/document.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gateway::core {

inline constexpr std::string_view urn_uuid_prefix = "urn:uuid:";

// A Bundle entry's fullUrl ("urn:uuid:...") -> the reference it is stored as ("Patient/123").
using reference_map = std::unordered_map<std::string, std::string>;

// A Reference.reference found in a resource: its path relative to the resource
// ("supportingInfo[1].reference") and its value.
struct reference_at {
  std::string path;
  std::string reference;
};

// Every reference in `resource` (contained resources included) for which `wanted` answers true,
// in document order, at most `limit` of them.
std::vector<reference_at> find_references(const rapidjson::Value& resource,
                                          const std::function<bool(std::string_view)>& wanted,
                                          std::size_t limit = static_cast<std::size_t>(-1));

// The path, relative to `resource` ("supportingInfo[1].reference"), of the first urn:uuid:
// reference for which `known` answers false; nullopt when every one is known.
std::optional<std::string> first_unresolved_urn(const rapidjson::Value& resource,
                                                const std::function<bool(std::string_view)>& known);

// Replaces every reference found in `map` by its mapped value; returns how many it replaced.
std::size_t rewrite_references(rapidjson::Value& resource, const reference_map& map,
                               rapidjson::Document::AllocatorType& allocator);

}  // namespace gateway::core
