// The referral rules that a StructureDefinition cannot express (see referral_profile.hpp); the
// rest of the profile is data, applied by the ordinary walk with the profile's compiled type.

#include "fhir/referral_profile.hpp"

#include "fhir/diagnostic_text.hpp"
#include "fhir/json_view.hpp"
#include "fhir/model.hpp"
#include "fhir/nhs_number.hpp"
#include "fhir/validation_context.hpp"

#include <string>
#include <vector>

namespace fhir {
namespace {

using json_value = rapidjson::Value;
using detail::path_node;
using detail::walk_context;

// Reports a missing or invalid NHS number on `patient`; `at` names the Patient.
void check_patient_nhs_number(walk_context& ctx, const json_value& patient, const path_node& at) {
  const json_value* ids = json::member(patient, "identifier");
  if (ids && ids->IsArray()) {
    for (rapidjson::SizeType i = 0; i < ids->Size(); ++i) {
      if (json::string_member((*ids)[i], "system") != nhs_number_system) continue;
      path_node id_node{&at, "identifier", static_cast<std::int64_t>(i)};
      path_node value_node{&id_node, "value", -1};
      if (!is_valid_nhs_number(json::string_member((*ids)[i], "value"))) {
        ctx.sink.error(issue_code::value,
                       "the NHS number is not valid: it must be ten digits with a correct "
                       "modulus-11 check digit",
                       &value_node);
      }
      return;
    }
  }
  path_node ident{&at, "identifier", -1};
  ctx.sink.error(
      issue_code::required,
      "the referred patient has no NHS number (identifier with system " + std::string(nhs_number_system) + ")", &ident);
}

void check_subject(walk_context& ctx, const json_value& sr, const path_node& root, const resource_resolver& resolve) {
  const json_value* subject = json::member(sr, "subject");
  if (!subject || !subject->IsObject()) return;  // missing subject is reported by the profile (min 1)
  path_node subject_path{&root, "subject", -1};
  const std::string_view ref = json::string_member(*subject, "reference");
  if (!ref.empty()) {
    const json_value* target = detail::resolve_reference(ctx, ref).target;
    if (!target && resolve && ref[0] != '#') target = resolve(ref);
    if (target) {
      if (json::string_member(*target, "resourceType") != "Patient") {
        ctx.sink.error(issue_code::invariant, "the subject of a referral must be a Patient", &subject_path);
        return;
      }
      // Name the contained Patient by index when it is one; otherwise point at the reference.
      const json_value* contained = json::member(sr, "contained");
      if (ref[0] == '#' && contained && contained->IsArray()) {
        for (rapidjson::SizeType i = 0; i < contained->Size(); ++i) {
          if (&(*contained)[i] == target) {
            path_node at{&root, "contained", static_cast<std::int64_t>(i)};
            check_patient_nhs_number(ctx, *target, at);
            return;
          }
        }
      }
      check_patient_nhs_number(ctx, *target, subject_path);
      return;
    }
  }
  const json_value* ident = json::member(*subject, "identifier");
  if (ident && ident->IsObject() && json::string_member(*ident, "system") == nhs_number_system) {
    path_node ident_path{&subject_path, "identifier", -1};
    path_node value_path{&ident_path, "value", -1};
    if (!is_valid_nhs_number(json::string_member(*ident, "value"))) {
      ctx.sink.error(issue_code::value,
                     "the NHS number is not valid: it must be ten digits with a correct "
                     "modulus-11 check digit",
                     &value_path);
    }
    return;
  }
  ctx.sink.error(issue_code::invariant,
                 "the subject must resolve to a Patient with an NHS number: a contained Patient (#id), a Bundle "
                 "entry, or subject.identifier with system " +
                     std::string(nhs_number_system),
                 &subject_path);
}

bool is_accepted_status(const referral_profile_options& options, std::string_view status) {
  for (const std::string_view s : options.accepted_statuses) {
    if (s == status) return true;
  }
  return false;
}

std::string accepted_list(const referral_profile_options& options) {
  std::string out;
  for (const std::string_view s : options.accepted_statuses) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

// With accepted_statuses set, the profile's status binding (arrival statuses) gives way to that
// set: drop the binding's code-invalid issue; check_referral_rules judges the status instead.
void drop_status_binding_issue(outcome& out, const referral_profile_options& options,
                               std::string_view root_expression) {
  if (options.accepted_statuses.empty()) return;
  const std::string expression = std::string(root_expression) + ".status";
  std::erase_if(out.issues, [&](const issue& i) {
    return i.severity == severity::error && i.code == issue_code::code_invalid && i.expression == expression;
  });
}

// The platform processes only the extensions its profile names. A modifier it does not name
// changes the meaning of the referral in a way it cannot act on: refused even when R4 defines it.
void check_understood_extensions(walk_context& ctx, const json_value& sr, const path_node& root) {
  const type_def& profile = ctx.m.type(ctx.m.find_profile(referral_profile_url));
  auto understood = [&](std::string_view url) {
    for (std::string_view u : profile.understood_extensions) {
      if (u == url) return true;
    }
    return false;
  };
  for (std::string_view member : {"extension", "modifierExtension"}) {
    const json_value* list = json::member(sr, member);
    if (!list || !list->IsArray()) continue;
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const std::string_view url = json::string_member((*list)[i], "url");
      if (url.empty() || understood(url)) continue;
      path_node at{&root, member, static_cast<std::int64_t>(i)};
      if (member == "modifierExtension") {
        ctx.sink.error(issue_code::not_supported,
                       "the platform does not understand the modifier extension " + quote_value(url, 120) +
                           ", so it cannot accept this referral",
                       &at);
      } else {
        ctx.sink.add(severity::information, issue_code::not_supported,
                     "the platform ignores the extension " + quote_value(url, 120), &at);
      }
    }
  }
}

void check_referral_rules(walk_context& ctx, const json_value& sr, const path_node& root,
                          const referral_profile_options& options, const resource_resolver& resolve) {
  if (!sr.IsObject() || json::string_member(sr, "resourceType") != "ServiceRequest") return;
  check_understood_extensions(ctx, sr, root);
  if (!json::member(sr, "reasonCode") && !json::member(sr, "reasonReference")) {
    path_node at{&root, "reasonCode", -1};
    ctx.sink.error(issue_code::required, "a referral needs a reason: reasonCode or reasonReference", &at);
  }
  const std::string_view status = json::string_member(sr, "status");
  if (!options.accepted_statuses.empty()) {
    if (json::member(sr, "status") && !is_accepted_status(options, status)) {
      path_node at{&root, "status", -1};
      ctx.sink.error(
          issue_code::code_invalid,
          "the status " + std::string(status) + " is not accepted here (accepted: " + accepted_list(options) + ")",
          &at);
    }
  } else if (status == "draft" && !options.validate_only) {
    path_node at{&root, "status", -1};
    ctx.sink.error(issue_code::invariant,
                   "a referral must have status 'active' to be accepted ('draft' is only "
                   "accepted by $validate)",
                   &at);
  }
  check_subject(ctx, sr, root, resolve);
}

}  // namespace

outcome validate_referral(const json_value& sr, const referral_profile_options& options,
                          const resource_resolver& resolve) {
  outcome out;
  detail::issue_sink sink(out, options.issue_cap);
  const model& m = r4_model();
  walk_context ctx{m, sink, &sr, nullptr};
  const path_node root{nullptr, "ServiceRequest", -1};
  detail::walk_resource(ctx, sr, m.find_profile(referral_profile_url), root, false);
  drop_status_binding_issue(out, options, "ServiceRequest");
  if (!sink.full()) check_referral_rules(ctx, sr, root, options, resolve);
  return out;
}

outcome validate_referral_in_bundle(const json_value& bundle, std::size_t entry_index,
                                    const referral_profile_options& options) {
  outcome out;
  detail::issue_sink sink(out, options.issue_cap);
  const path_node bundle_root{nullptr, "Bundle", -1};
  const json_value* entries = json::member(bundle, "entry");
  if (!entries || !entries->IsArray() || entry_index >= entries->Size()) {
    sink.error(issue_code::not_found, "the Bundle has no entry " + std::to_string(entry_index), &bundle_root);
    return out;
  }
  const path_node entry{&bundle_root, "entry", static_cast<std::int64_t>(entry_index)};
  const path_node root{&entry, "resource", -1};
  const json_value* sr = json::member((*entries)[static_cast<rapidjson::SizeType>(entry_index)], "resource");
  if (!sr) {
    sink.error(issue_code::required, "the entry has no resource", &root);
    return out;
  }
  const model& m = r4_model();
  const detail::bundle_index index = detail::index_bundle(bundle);
  walk_context ctx{m, sink, sr, &index};
  detail::walk_resource(ctx, *sr, m.find_profile(referral_profile_url), root, false);
  drop_status_binding_issue(out, options, "Bundle.entry[" + std::to_string(entry_index) + "].resource");
  if (!sink.full()) check_referral_rules(ctx, *sr, root, options, {});
  return out;
}

}  // namespace fhir
