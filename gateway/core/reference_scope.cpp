#include "gateway/core/reference_scope.hpp"

#include <algorithm>

namespace gateway::core {
namespace {

bool is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool is_type_name(std::string_view s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

}  // namespace

std::vector<outside_reference> outside_references(const rapidjson::Value& resource) {
  const std::function<bool(std::string_view)> outside = [](std::string_view ref) {
    return !ref.starts_with('#') && !ref.starts_with(urn_uuid_prefix);
  };
  std::vector<outside_reference> out;
  for (auto& found : find_references(resource, outside)) {
    outside_reference r;
    r.path = std::move(found.path);
    r.reference = std::move(found.reference);
    const std::string_view ref = r.reference;
    const auto slash = ref.find('/');
    if (slash != std::string_view::npos) {
      const std::string_view type = ref.substr(0, slash);
      const std::string_view id = ref.substr(slash + 1);
      if (is_type_name(type) && !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), is_id_char)) {
        r.type = std::string(type);
        r.id = std::string(id);
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

bool is_sender_record_type(std::string_view type) {
  return std::find(std::begin(sender_record_types), std::end(sender_record_types), type) !=
         std::end(sender_record_types);
}

bool kept_as_sender_record(const outside_reference& ref, reference_base base) {
  return base == reference_base::sender_system && !ref.type.empty() && is_sender_record_type(ref.type);
}

std::string sender_record_issue(std::string_view type) {
  std::string text = "this gateway does not keep ";
  text += type;
  text += " resources (records of the sending system): refer to it instead of sending it";
  return text;
}

bool may_refer_to(std::string_view caller_org, std::string_view type, std::string_view owner_org,
                  std::string_view platform_org) {
  if (!caller_org.empty() && owner_org == caller_org) return true;
  const bool is_public = std::find(std::begin(public_types), std::end(public_types), type) != std::end(public_types);
  return is_public && !platform_org.empty() && owner_org == platform_org;
}

std::string reference_scope_issue(std::string_view reference) {
  std::string text = "'";
  text += reference;
  text += "' does not name a resource of this request, of the sending organisation, or one the platform publishes";
  return text;
}

}  // namespace gateway::core
