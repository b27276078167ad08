// Resource-level invariants, implemented once each, and the table of what is and is not checked.
// Element-level ones live where the element is walked: ele-1 in element_walker.cpp, ref-1 in
// reference_check.cpp.

#include "fhir/invariants.hpp"

#include <string>
#include <unordered_map>

#include "fhir/json_view.hpp"
#include "fhir/validation_context.hpp"

namespace fhir {
namespace {

constexpr invariant_status table[] = {
    {"ele-1", true, "every element has a value or children (no null, empty string, {} or [])"},
    {"ext-1", true, "an extension has either nested extensions or a value[x], not both"},
    {"ref-1", true, "a local reference (#id) names a resource in contained"},
    {"dom-2", true, "a contained resource contains no resources"},
    {"dom-3", true, "a contained resource is referenced from the rest of the resource (or references it)"},
    {"dom-4", true, "a contained resource has no meta.versionId or meta.lastUpdated"},
    {"dom-5", true, "a contained resource has no meta.security"},
    {"bdl-1", true, "Bundle.total only in searchset and history"},
    {"bdl-2", true, "entry.search only in searchset"},
    {"bdl-3", true, "entry.request in batch, transaction and history; nowhere else"},
    {"bdl-4", true, "entry.response in batch-response, transaction-response and history; nowhere else"},
    {"bdl-5", true, "an entry has a resource, a request or a response"},
    {"bdl-7", true, "fullUrl unique within the Bundle (unless meta.versionId differs; not in history)"},
    {"bdl-8", true, "fullUrl is not version-specific (no /_history/)"},
    {"bdl-9", true, "a document has identifier.system and identifier.value"},
    {"bdl-10", true, "a document has a timestamp"},
    {"bdl-11", true, "a document starts with a Composition"},
    {"bdl-12", true, "a message starts with a MessageHeader"},
    {"dom-6", false, "guideline (narrative SHOULD be present): not an error, not reported"},
    {"txt-1", false, "XHTML content rules: only basic safety is checked (div root, no script, events, forms)"},
    {"txt-2", false, "narrative has non-whitespace content: not checked"},
    {"per-1", false, "Period start <= end: not checked (needs date arithmetic across precisions)"},
    {"qty-3", false, "Quantity code needs system: not checked"},
    {"sqty-1", false, "SimpleQuantity has no comparator: type profiles are not applied"},
    {"ref-2..", false,
     "other datatype and resource invariants (FHIRPath expressions): not checked; there is no "
     "FHIRPath engine, only the rules listed as checked are implemented"},
};

using json_value = rapidjson::Value;
using detail::path_node;
using detail::walk_context;

bool has_meta_field(const json_value& resource, std::string_view field) {
  const json_value* meta = json::member(resource, "meta");
  return meta && json::member(*meta, field);
}

// Collects every "reference" string under `v` that starts with '#'.
void collect_local_refs(const json_value& v, std::unordered_map<std::string_view, bool>& out, int depth = 0) {
  if (depth > 128) return;  // the parser's depth limit makes this unreachable; belt and braces
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (json::key_of(it) == "reference" && it->value.IsString()) {
        std::string_view r = json::as_string(it->value);
        if (!r.empty() && r[0] == '#') out[r.substr(1)] = true;
      } else {
        collect_local_refs(it->value, out, depth + 1);
      }
    }
  } else if (v.IsArray()) {
    for (const auto& x : v.GetArray()) collect_local_refs(x, out, depth + 1);
  }
}

}  // namespace

std::span<const invariant_status> invariant_table() {
  return table;
}

namespace detail {

void check_domain_resource(walk_context& ctx, const json_value& resource, const path_node& path) {
  const json_value* contained = json::member(resource, "contained");
  if (!contained || !contained->IsArray()) return;
  std::unordered_map<std::string_view, bool> referenced;  // ids referenced as "#id" anywhere
  collect_local_refs(resource, referenced);
  for (rapidjson::SizeType i = 0; i < contained->Size(); ++i) {
    const json_value& c = (*contained)[i];
    if (!c.IsObject()) continue;
    path_node at{&path, "contained", static_cast<std::int64_t>(i)};
    if (json::member(c, "contained")) {
      ctx.sink.error(issue_code::invariant, "a contained resource must not contain resources (dom-2)", &at);
    }
    std::string_view id = json::string_member(c, "id");
    bool refers_to_container = false;
    std::unordered_map<std::string_view, bool> own;
    collect_local_refs(c, own);
    refers_to_container = own.count("") != 0;
    if (!refers_to_container && (id.empty() || !referenced.count(id))) {
      ctx.sink.error(issue_code::invariant,
                     "a contained resource must have an id and be referenced as #id from "
                     "the resource that contains it (dom-3)",
                     &at);
    }
    if (has_meta_field(c, "versionId") || has_meta_field(c, "lastUpdated")) {
      ctx.sink.error(issue_code::invariant,
                     "a contained resource must not have meta.versionId or meta.lastUpdated (dom-4)", &at);
    }
    if (has_meta_field(c, "security")) {
      ctx.sink.error(issue_code::invariant, "a contained resource must not have meta.security (dom-5)", &at);
    }
  }
}

void check_extension(walk_context& ctx, const json_value& ext, const path_node& path) {
  bool has_value = false;
  for (auto it = ext.MemberBegin(); it != ext.MemberEnd(); ++it) {
    std::string_view k = json::key_of(it);
    if (k.size() > 5 && k.substr(0, 5) == "value") has_value = true;
  }
  const bool has_nested = json::member(ext, "extension") != nullptr;
  if (has_value == has_nested) {
    ctx.sink.error(issue_code::invariant,
                   "an extension must have either nested extensions or a value[x], not both and not neither (ext-1)",
                   &path);
  }
}

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
  const bool searchset = type == "searchset", history = type == "history";
  const bool document = type == "document", message = type == "message";
  const bool needs_request = type == "batch" || type == "transaction" || history;
  const bool needs_response = type == "batch-response" || type == "transaction-response" || history;
  if (json::member(bundle, "total") && !searchset && !history) {
    path_node at{&path, "total", -1};
    ctx.sink.error(issue_code::invariant, "total is only allowed in a searchset or history Bundle (bdl-1)", &at);
  }
  if (document) {
    const json_value* ident = json::member(bundle, "identifier");
    if (!ident || json::string_member(*ident, "system").empty() || json::string_member(*ident, "value").empty()) {
      path_node at{&path, "identifier", -1};
      ctx.sink.error(issue_code::invariant, "a document Bundle needs identifier.system and identifier.value (bdl-9)",
                     &at);
    }
    if (!json::member(bundle, "timestamp")) {
      path_node at{&path, "timestamp", -1};
      ctx.sink.error(issue_code::invariant, "a document Bundle needs a timestamp (bdl-10)", &at);
    }
  }
  const json_value* entries = json::member(bundle, "entry");
  if (!entries || !entries->IsArray()) {
    if (document || message) {
      path_node at{&path, "entry", -1};
      ctx.sink.error(issue_code::invariant,
                     std::string("a ") + std::string(type) + " Bundle needs a first entry (" +
                         (document ? "bdl-11" : "bdl-12") + ")",
                     &at);
    }
    return;
  }
  std::unordered_map<std::string_view, std::string_view> seen_urls;  // fullUrl -> versionId
  for (rapidjson::SizeType i = 0; i < entries->Size() && !ctx.sink.full(); ++i) {
    const json_value& e = (*entries)[i];
    if (!e.IsObject()) continue;
    path_node entry_base{&path, "entry", static_cast<std::int64_t>(i)};
    const json_value* resource = json::member(e, "resource");
    const bool has_request = json::member(e, "request"), has_response = json::member(e, "response");
    if (json::member(e, "search") && !searchset) {
      path_node at{&entry_base, "search", -1};
      ctx.sink.error(issue_code::invariant, "entry.search is only allowed in a searchset Bundle (bdl-2)", &at);
    }
    if (has_request != needs_request) {
      path_node at{&entry_base, "request", -1};
      ctx.sink.error(issue_code::invariant,
                     needs_request ? "entry.request is required in a " + std::string(type) + " Bundle (bdl-3)"
                                   : "entry.request is not allowed in a " + std::string(type) + " Bundle (bdl-3)",
                     &at);
    }
    if (has_response != needs_response) {
      path_node at{&entry_base, "response", -1};
      ctx.sink.error(issue_code::invariant,
                     needs_response ? "entry.response is required in a " + std::string(type) + " Bundle (bdl-4)"
                                    : "entry.response is not allowed in a " + std::string(type) + " Bundle (bdl-4)",
                     &at);
    }
    if (!resource && !has_request && !has_response) {
      ctx.sink.error(issue_code::invariant, "an entry needs a resource, a request or a response (bdl-5)", &entry_base);
    }
    std::string_view url = json::string_member(e, "fullUrl");
    if (!url.empty()) {
      path_node at{&entry_base, "fullUrl", -1};
      if (url.find("/_history/") != std::string_view::npos) {
        ctx.sink.error(issue_code::invariant, "fullUrl must not be version-specific (bdl-8)", &at);
      }
      std::string_view version =
          resource ? json::string_member(json::member(*resource, "meta") ? *json::member(*resource, "meta") : *resource,
                                         "versionId")
                   : std::string_view{};
      auto [it, inserted] = seen_urls.emplace(url, version);
      if (!inserted && !history && it->second == version) {
        ctx.sink.error(issue_code::invariant, "fullUrl appears twice in this Bundle (bdl-7)", &at);
      }
    }
    if (i == 0 && (document || message)) {
      const std::string_view first = resource ? json::string_member(*resource, "resourceType") : std::string_view{};
      const std::string_view wanted = document ? "Composition" : "MessageHeader";
      if (first != wanted) {
        ctx.sink.error(issue_code::invariant,
                       "the first entry of a " + std::string(type) + " Bundle must be a " + std::string(wanted) +
                           (document ? " (bdl-11)" : " (bdl-12)"),
                       &entry_base);
      }
    }
  }
}

}  // namespace detail
}  // namespace fhir
