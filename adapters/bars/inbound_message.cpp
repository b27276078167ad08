#include "adapters/bars/inbound_message.hpp"

#include <unordered_set>

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/transaction_ids.hpp"
#include "fhir/json_view.hpp"
#include "gateway/core/bundle_references.hpp"

namespace gateway::bars {
namespace {

using rapidjson::Value;

core::error invalid(std::string expression, std::string message) {
  return core::make_error(core::error_kind::invalid, std::move(expression), std::move(message));
}

core::error unprocessable(std::string expression, std::string message) {
  return core::make_error(core::error_kind::unprocessable, std::move(expression), std::move(message));
}

core::result<void> read_event(const Value& header) {
  const std::string at = entry_expression(0, "eventCoding");
  const Value* event = fhir::json::object_member(header, "eventCoding");
  if (event == nullptr) return invalid(at, "a BaRS message has an eventCoding (MessageHeader.event[x])");
  const auto system = fhir::json::string_member(*event, "system");
  const auto code = fhir::json::string_member(*event, "code");
  if (system != systems::message_event)
    return invalid(at + ".system", "must be " + std::string(systems::message_event));
  if (code != events::servicerequest_request)
    return unprocessable(at + ".code",
                         "this receiver takes referrals (servicerequest-request), not " +
                             (code.empty() ? std::string("a message without a code") : std::string(code)));
  return {};
}

core::result<message_reason> read_reason(const Value& header) {
  const std::string at = entry_expression(0, "reason");
  const Value* reason = fhir::json::object_member(header, "reason");
  if (reason != nullptr) {
    for (const Value& c : fhir::json::each(*reason, "coding")) {
      if (fhir::json::string_member(c, "system") != systems::message_reason) continue;
      const auto code = fhir::json::string_member(c, "code");
      if (code == "new") return message_reason::new_referral;
      if (code == "update") return message_reason::update;
      if (code == "delete") return message_reason::remove;
      return invalid(at + ".coding.code", "must be new, update or delete, not " + std::string(code));
    }
  }
  return invalid(
      at, "a BaRS message has a reason coded in " + std::string(systems::message_reason) + " (new, update or delete)");
}

// The sender's id for the referral: its id when that is a UUID (the form BaRS uses), otherwise
// the UUID of its urn:uuid fullUrl; lower-case.
std::string sender_uuid(const message_entry& e) {
  std::string id(fhir::json::string_member(*e.resource, "id"));
  if (!is_uuid(id)) {
    id.clear();
    if (e.full_url.starts_with(core::urn_uuid_prefix)) {
      const std::string_view rest = std::string_view(e.full_url).substr(core::urn_uuid_prefix.size());
      if (is_uuid(rest)) id = std::string(rest);
    }
  }
  for (char& c : id) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  return id;
}

}  // namespace

std::string_view to_string(message_reason r) {
  switch (r) {
    case message_reason::update:
      return "update";
    case message_reason::remove:
      return "delete";
    case message_reason::new_referral:
      break;
  }
  return "new";
}

std::string entry_expression(std::size_t index, std::string_view rest) {
  std::string out = "Bundle.entry[" + std::to_string(index) + "].resource";
  if (!rest.empty()) {
    out += '.';
    out.append(rest);
  }
  return out;
}

const message_entry* inbound_message::find(std::string_view full_url) const {
  if (full_url.empty()) return nullptr;
  for (const auto& e : entries)
    if (e.full_url == full_url) return &e;
  return nullptr;
}

core::result<inbound_message> read_inbound_message(const Value& bundle) {
  inbound_message out;
  if (fhir::json::string_member(bundle, "type") != "message")
    return invalid("Bundle.type", "$process-message takes a Bundle of type message");
  out.bundle_id = std::string(fhir::json::string_member(bundle, "id"));
  if (out.bundle_id.empty())
    return invalid("Bundle.id",
                   "a BaRS message has a Bundle.id (replies name it in MessageHeader.response.identifier)");

  const Value* entries = fhir::json::array_member(bundle, "entry");
  if (entries == nullptr || entries->Empty())
    return invalid("Bundle.entry", "a message has a MessageHeader entry first");
  std::unordered_set<std::string> full_urls;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    message_entry e;
    e.index = i;
    e.full_url = std::string(fhir::json::string_member((*entries)[i], "fullUrl"));
    e.resource = fhir::json::object_member((*entries)[i], "resource");
    if (e.resource == nullptr) return invalid("Bundle.entry[" + std::to_string(i) + "]", "an entry needs a resource");
    e.resource_type = std::string(fhir::json::string_member(*e.resource, "resourceType"));
    if (!e.full_url.empty() && !full_urls.insert(e.full_url).second)
      return invalid("Bundle.entry[" + std::to_string(i) + "].fullUrl", "another entry has the same fullUrl");
    out.entries.push_back(std::move(e));
  }

  const Value& header = *out.entries[0].resource;
  if (out.entries[0].resource_type != "MessageHeader")
    return invalid(entry_expression(0), "the first entry of a message is its MessageHeader");
  out.header_id = std::string(fhir::json::string_member(header, "id"));
  if (auto event = read_event(header); !event) return event.error();
  auto reason = read_reason(header);
  if (!reason) return reason.error();
  out.reason = *reason;

  const Value* focus_list = fhir::json::array_member(header, "focus");
  const Value* focus = focus_list != nullptr && !focus_list->Empty() ? &(*focus_list)[0] : nullptr;
  const message_entry* sr = focus ? out.find(fhir::json::string_member(*focus, "reference")) : nullptr;
  if (sr == nullptr)
    return invalid(entry_expression(0, "focus"), "the focus must name the ServiceRequest entry by its fullUrl");
  if (sr->resource_type != "ServiceRequest")
    return unprocessable(entry_expression(0, "focus"),
                         "the focus of a referral message is a ServiceRequest, not " + sr->resource_type);
  out.service_request = sr->index;
  out.service_request_uuid = sender_uuid(*sr);
  if (out.service_request_uuid.empty())
    return unprocessable(entry_expression(sr->index, "id"),
                         "the ServiceRequest needs a UUID id or a urn:uuid fullUrl: the sender's name for the "
                         "referral in later messages and replies");

  if (const Value* source = fhir::json::object_member(header, "source"))
    out.source_endpoint = std::string(fhir::json::string_member(*source, "endpoint"));
  if (out.source_endpoint.empty())
    return invalid(entry_expression(0, "source.endpoint"), "a BaRS message names where replies go (source.endpoint)");
  for (const Value& d : fhir::json::each(header, "destination"))
    out.destination_endpoints.emplace_back(fhir::json::string_member(d, "endpoint"));
  if (out.destination_endpoints.empty())
    return invalid(entry_expression(0, "destination"), "a BaRS message names its destination service");

  if (const Value* sender = fhir::json::object_member(header, "sender")) {
    if (const message_entry* s = out.find(fhir::json::string_member(*sender, "reference"));
        s != nullptr && s->resource_type == "Organization") {
      out.sender = s->index;
      out.has_sender = true;
    }
  }

  const auto known = [&](std::string_view ref) { return full_urls.contains(std::string(ref)); };
  for (const auto& e : out.entries) {
    if (auto path = core::first_unresolved_urn(*e.resource, known))
      return invalid(entry_expression(e.index, *path), "this urn:uuid: reference names no entry of the message");
  }
  return out;
}

}  // namespace gateway::bars
