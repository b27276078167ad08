#pragma once
// Internal state of one validation run: where we are (a chain of path nodes on the stack, turned
// into a FHIRPath string only when an issue is reported), where issues go (capped), and which
// resource and Bundle references resolve against. One per call; never shared between threads.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <rapidjson/document.h>

#include "fhir/model.hpp"
#include "fhir/outcome.hpp"

namespace fhir::detail {

struct path_node {
  const path_node* parent = nullptr;
  std::string_view name;    // JSON name, or the resource type at the root
  std::int64_t index = -1;  // array index, or -1
};

std::string render_path(const path_node* p);

class issue_sink {
 public:
  issue_sink(outcome& out, std::size_t cap) : out_(out), cap_(cap) {}
  // Once `cap` errors are kept, further issues are dropped and the walk may stop early; warnings
  // beyond `cap` are dropped with one note.
  bool full() const { return out_.capped; }
  void add(severity s, issue_code c, std::string diagnostics, const path_node* at);
  void error(issue_code c, std::string diagnostics, const path_node* at) {
    add(severity::error, c, std::move(diagnostics), at);
  }

 private:
  outcome& out_;
  std::size_t cap_;
  std::size_t errors_ = 0;
  std::size_t minor_ = 0;  // warnings and information
};

// fullUrl -> entry resource of the Bundle being walked, for urn:uuid and absolute references.
using bundle_index = std::unordered_map<std::string_view, const rapidjson::Value*>;

// Every "#..." value of a reference, canonical, uri or url met while walking a resource and the
// resources it contains, with the resource it was found in: what dom-3 counts. Inline storage
// covers the usual resource; more spills to the heap.
class local_reference_log {
 public:
  struct entry {
    std::string_view value;  // "#id" or "#"
    const rapidjson::Value* found_in;
  };
  void add(std::string_view value, const rapidjson::Value* found_in) {
    if (count_ < inline_.size()) {
      inline_[count_++] = entry{value, found_in};
    } else {
      spill_.push_back(entry{value, found_in});
    }
  }
  template <typename F>
  bool any(F&& f) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (f(inline_[i])) return true;
    }
    for (const entry& e : spill_) {
      if (f(e)) return true;
    }
    return false;
  }

 private:
  std::array<entry, 16> inline_{};
  std::size_t count_ = 0;
  std::vector<entry> spill_;
};

// The code systems met in one resource that the model does not carry (first few kept).
class unchecked_systems_log {
 public:
  void note(std::string_view system);
  void report(issue_sink& sink, const path_node& path) const;

 private:
  std::array<std::string_view, 5> systems_{};
  std::size_t count_ = 0;
};

struct walk_context {
  const model& m;
  issue_sink& sink;
  const rapidjson::Value* container = nullptr;  // resource whose `contained` "#id" resolves against
  const bundle_index* bundle = nullptr;
  std::string_view bundle_type;                // Bundle.type of the Bundle being walked
  const rapidjson::Value* resource = nullptr;  // the resource being walked (%resource)
  type_index resource_type = no_type;
  local_reference_log* local_refs = nullptr;           // of the outermost resource being walked
  const path_node* resource_path = nullptr;            // the path node of `resource`
  unchecked_systems_log* unchecked_systems = nullptr;  // of the outermost resource being walked
};

// Codes and attachments (coded_values.cpp).
void check_coding(walk_context& ctx, const rapidjson::Value& coding, const path_node& path);
void check_quantity_system(walk_context& ctx, const rapidjson::Value& quantity);
void check_attachment(walk_context& ctx, const rapidjson::Value& attachment, const path_node& path);

// Extensions (extension_check.cpp): one extension item of element `e`, and the counts of the
// extensions in one extension / modifierExtension array.
void check_extension(walk_context& ctx, const element_def& e, const rapidjson::Value& ext, const path_node& path);
void check_extension_counts(walk_context& ctx, const rapidjson::Value& list, const path_node& path);

// dom-3, natively: every contained resource is referenced as "#id" from elsewhere in the
// resource (reference, canonical, uri or url), or itself references its container ("#").
void check_contained_referenced(walk_context& ctx, const rapidjson::Value& resource, const path_node& path);

// Whether constraint `d` holds on item `v` of type `t` without evaluating it: `v` has none of the
// members it reads (invariant_def::needs_one_of), or it is ref-1 on a Reference whose reference
// is not "#..." (invariant_def::fails_only_on_local_reference). Unit tests hold both to the
// evaluator's verdicts.
bool passes_without_evaluation(const model& m, const invariant_def& d, const rapidjson::Value& v, type_index t);

// Evaluates constraints (compiled FHIRPath) on one item of type `t` at `path`.
void check_invariants(walk_context& ctx, std::span<const invariant_def* const> list, const rapidjson::Value& v,
                      type_index t, const path_node& path);

// The narrative rules: the first problem of a Narrative.div (rule "txt-1" or "txt-2"), or none.
struct narrative_finding {
  std::string_view rule;  // empty when the div is fine
  std::string message;
};
narrative_finding check_narrative_xhtml(std::string_view xhtml);
// htmlChecks() for the FHIRPath engine: the failing rule's key, empty when fine.
std::string_view narrative_problem(std::string_view xhtml);

// Walks one resource (its own type from resourceType, or `profile` when given) and reports every
// problem. `path` names the resource (the root node carries its type name).
void walk_resource(walk_context& ctx, const rapidjson::Value& resource, type_index profile, const path_node& path,
                   bool contained);

// Checks a Reference object's form, ref-1, and that the target type is allowed.
void check_reference(walk_context& ctx, const element_def& e, const rapidjson::Value& ref, const path_node& path);

// What a reference string points at, when that can be told from the text or the Bundle.
struct resolved_reference {
  std::string_view type;                     // resource type, empty when unknown
  const rapidjson::Value* target = nullptr;  // the resource, when it is in this message
};
resolved_reference resolve_reference(const walk_context& ctx, std::string_view reference);

// Bundle rules beyond the definitions' constraints (fhir/bundle_rules.cpp).
void check_bundle(walk_context& ctx, const rapidjson::Value& bundle, const path_node& path);

// Builds the fullUrl index of a Bundle's entries.
bundle_index index_bundle(const rapidjson::Value& bundle);

}  // namespace fhir::detail
