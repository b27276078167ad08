// Bundle rules beyond the definitions' constraints (bdl-1..12 are FHIRPath invariants):
// fullUrl agrees with the entry's resource type and id, no resource identity twice, every
// reference of a document or message resolves inside it (warning), and Provenance targets are
// version-specific (warning). An unresolved urn:uuid is reported where it stands
// (reference_check.cpp): an error in a transaction, a warning elsewhere.

#include <string>
#include <unordered_map>

#include "fhir/diagnostic_text.hpp"
#include "fhir/json_view.hpp"
#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

using json_value = rapidjson::Value;

// Calls `f(reference_string, path_name)` for every Reference.reference under `v` (not into
// nested resources, which are checked as resources themselves).
template <typename F>
void each_reference(const json_value& v, F&& f, int depth = 0) {
  if (depth > 64) return;
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string_view k = json::key_of(it);
      if (k == "reference" && it->value.IsString()) {
        f(json::as_string(it->value));
      } else if (k != "contained" && !(it->value.IsObject() && json::member(it->value, "resourceType"))) {
        each_reference(it->value, f, depth + 1);
      }
    }
  } else if (v.IsArray()) {
    for (const auto& x : v.GetArray()) each_reference(x, f, depth + 1);
  }
}

// "…/Type/id" of a RESTful fullUrl, or empty parts.
void split_rest_url(std::string_view url, std::string_view& type, std::string_view& id) {
  type = id = {};
  if (url.rfind("urn:", 0) == 0) return;
  const auto slash = url.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return;
  id = url.substr(slash + 1);
  const std::string_view head = url.substr(0, slash);
  const auto prev = head.rfind('/');
  type = prev == std::string_view::npos ? head : head.substr(prev + 1);
}

}  // namespace

bundle_index index_bundle(const json_value& bundle) {
  bundle_index index;
  const json_value* entries = json::member(bundle, "entry");
  if (!entries || !entries->IsArray()) return index;
  for (const auto& e : entries->GetArray()) {
    std::string_view url = json::string_member(e, "fullUrl");
    const json_value* r = json::member(e, "resource");
    if (!url.empty() && r && r->IsObject()) index.emplace(url, r);
  }
  return index;
}

void check_bundle(walk_context& ctx, const json_value& bundle, const path_node& path) {
  const std::string_view type = json::string_member(bundle, "type");
  const json_value* entries = json::member(bundle, "entry");
  if (!entries || !entries->IsArray()) return;
  const bool history = type == "history";
  std::unordered_map<std::string, rapidjson::SizeType> identities;  // Type/id/version -> first entry
  for (rapidjson::SizeType i = 0; i < entries->Size() && !ctx.sink.full(); ++i) {
    const json_value& e = (*entries)[i];
    const json_value* resource = json::member(e, "resource");
    if (!resource || !resource->IsObject()) continue;
    path_node entry{&path, "entry", static_cast<std::int64_t>(i)};
    const std::string_view rtype = json::string_member(*resource, "resourceType");
    const std::string_view id = json::string_member(*resource, "id");
    const std::string_view url = json::string_member(e, "fullUrl");
    // fullUrl and the resource's own identity must agree.
    std::string_view url_type, url_id;
    split_rest_url(url, url_type, url_id);
    if (!url_type.empty() && ctx.m.find_resource_type(url_type) != no_type) {
      path_node at{&entry, "fullUrl", -1};
      if (url_type != rtype) {
        ctx.sink.error(issue_code::invariant,
                       "fullUrl names a " + std::string(url_type) + " but the entry holds a " + std::string(rtype),
                       &at);
      } else if (!id.empty() && url_id != id) {
        ctx.sink.error(
            issue_code::invariant,
            "fullUrl ends in id " + quote_value(url_id, 64) + " but the resource's id is " + quote_value(id, 64), &at);
      }
    }
    // One resource identity once (a history Bundle holds versions of the same resource).
    if (!id.empty() && !history) {
      const json_value* meta = json::member(*resource, "meta");
      std::string key = std::string(rtype) + "/" + std::string(id) + "/" +
                        std::string(meta ? json::string_member(*meta, "versionId") : std::string_view{});
      auto [it, inserted] = identities.emplace(std::move(key), i);
      if (!inserted) {
        path_node at{&entry, "resource", -1};
        ctx.sink.error(issue_code::invariant,
                       "the resource " + std::string(rtype) + "/" + quote_value(id, 64) +
                           " appears twice in this Bundle (also entry[" + std::to_string(it->second) + "])",
                       &at);
      }
    }
    // A document or message carries what it refers to: its references resolve inside it
    // (urn:uuid ones are checked where they stand, in reference_check.cpp).
    path_node at{&entry, "resource", -1};
    if (type == "document" || type == "message") {
      each_reference(*resource, [&](std::string_view ref) {
        if (ref.empty() || ref[0] == '#' || ref.rfind("urn:", 0) == 0) return;
        if (resolve_reference(ctx, ref).target) return;
        ctx.sink.add(severity::warning, issue_code::not_found,
                     "the reference " + quote_value(ref, 100) + " does not resolve to an entry of this " +
                         std::string(type) + " Bundle",
                     &at);
      });
    }
    // Provenance records what it is about version by version.
    if (rtype == "Provenance") {
      const json_value* targets = json::member(*resource, "target");
      if (targets && targets->IsArray()) {
        for (rapidjson::SizeType k = 0; k < targets->Size(); ++k) {
          const std::string_view ref = json::string_member((*targets)[k], "reference");
          if (ref.empty() || ref[0] == '#' || ref.rfind("urn:", 0) == 0) continue;
          if (ref.find("/_history/") == std::string_view::npos) {
            path_node tat{&at, "target", static_cast<std::int64_t>(k)};
            ctx.sink.add(severity::warning, issue_code::invariant,
                         "Provenance.target should be a version-specific reference (Type/id/_history/version)", &tat);
          }
        }
      }
    }
  }
}

}  // namespace fhir::detail
