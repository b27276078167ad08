#include "gateway/app/reference_check.hpp"

#include <algorithm>

#include "fhir/json_view.hpp"
#include "gateway/app/store_call.hpp"

namespace gateway::app {

namespace {

refusal out_of_scope(const std::string& reference, const std::string& expression) {
  return refusal::single(refusal_kind::unprocessable, fhir::issue_code::not_found,
                         core::reference_scope_issue(reference), expression);
}

}  // namespace

task<result<bool>> check_reference_scope(const context* ctx, caller who, std::vector<referencing_resource> resources,
                                         std::vector<std::string> vouched, core::reference_base base) {
  for (const referencing_resource& r : resources) {
    const std::string_view type = fhir::json::string_member(*r.resource, "resourceType");
    if (core::is_sender_record_type(type))
      co_return refusal::single(refusal_kind::unprocessable, fhir::issue_code::not_supported,
                                core::sender_record_issue(type), r.root + ".resourceType");
  }
  if (who.role == core::caller_role::platform) co_return true;
  std::size_t looked_up = 0;
  for (const referencing_resource& r : resources) {
    const std::vector<core::outside_reference> outside = core::outside_references(*r.resource);
    for (const core::outside_reference& ref : outside) {
      const std::string expression = r.root + "." + ref.path;
      if (std::find(vouched.begin(), vouched.end(), ref.reference) != vouched.end()) continue;
      if (core::kept_as_sender_record(ref, base)) continue;
      if (ref.type.empty()) co_return out_of_scope(ref.reference, expression);
      if (++looked_up > max_outside_references) {
        co_return refusal::single(
            refusal_kind::unprocessable, fhir::issue_code::too_costly,
            "more than " + std::to_string(max_outside_references) + " references to stored resources in one request",
            expression);
      }
      auto read = store_read(*ctx->store, ref.type, ref.id);
      core::read_outcome found = co_await read;
      if (!found) {
        const bool missing = found.error() == core::store_errc::not_found || found.error() == core::store_errc::gone;
        if (!missing) co_return refusal_from_store(found.error());
        co_return out_of_scope(ref.reference, expression);
      }
      if (!core::may_refer_to(who.organisation, ref.type, found->owner_org, ctx->platform_org))
        co_return out_of_scope(ref.reference, expression);
    }
  }
  co_return true;
}

}  // namespace gateway::app
