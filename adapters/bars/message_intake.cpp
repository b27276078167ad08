#include "adapters/bars/message_intake.hpp"

#include "adapters/bars/bars_codes.hpp"
#include "fhir/json_view.hpp"
#include "fhir/validator.hpp"

namespace gateway::bars {
namespace {

intake_outcome refuse(int status, fhir::issue_code code, std::string diagnostics, std::string expression) {
  intake_outcome out;
  out.refusal = intake_refusal{
      status, fhir::make_outcome(fhir::severity::error, code, std::move(diagnostics), std::move(expression))};
  return out;
}

intake_outcome refuse(const core::error& e) {
  switch (e.kind) {
    case core::error_kind::unprocessable:
      return refuse(422, fhir::issue_code::processing, e.message, e.expression);
    case core::error_kind::not_found:
      return refuse(404, fhir::issue_code::not_found, e.message, e.expression);
    case core::error_kind::forbidden:
      return refuse(403, fhir::issue_code::processing, e.message, e.expression);
    case core::error_kind::invalid:
      break;
  }
  return refuse(400, e.expression.starts_with("Bundle") ? fhir::issue_code::invalid : fhir::issue_code::required,
                e.message, e.expression);
}

bool names_one_of(const std::vector<target_identifier>& services, const target_identifier& id) {
  return find_service(services, id) != nullptr;
}

// The Encounter the referral belongs to (ServiceRequest.encounter), for the replies.
void read_encounter(const inbound_message& m, conversation& c) {
  const rapidjson::Value& sr = *m.service_request_entry().resource;
  const rapidjson::Value* ref = fhir::json::object_member(sr, "encounter");
  const message_entry* e = ref != nullptr ? m.find(fhir::json::string_member(*ref, "reference")) : nullptr;
  if (e == nullptr || e->resource_type != "Encounter") return;
  c.encounter_full_url = e->full_url;
  if (const rapidjson::Value* cls = fhir::json::object_member(*e->resource, "class")) {
    c.encounter_class_system = std::string(fhir::json::string_member(*cls, "system"));
    c.encounter_class_code = std::string(fhir::json::string_member(*cls, "code"));
  }
}

}  // namespace

intake_outcome read_message_intake(const message_headers& headers, std::string_view body,
                                   const std::vector<target_identifier>& services, const fhir::json_limits& limits) {
  auto ids = read_transaction_ids(headers.request_id, headers.correlation_id);
  if (!ids) return refuse(ids.error());

  if (!headers.target_identifier || headers.target_identifier->empty())
    return refuse(400, fhir::issue_code::required,
                  "the header is required: base64 of the target service's identifier {\"system\", \"value\"}",
                  std::string(bars::headers::target_identifier));
  auto target = decode_target_identifier(*headers.target_identifier);
  if (!target) return refuse(target.error());
  if (!names_one_of(services, *target))
    return refuse(404, fhir::issue_code::not_found, "this service is not the target named by the header",
                  std::string(bars::headers::target_identifier));

  auto party = read_requesting_party(headers.end_user_organisation, headers.requesting_software,
                                     headers.requesting_practitioner);
  if (!party) return refuse(party.error());

  auto parsed = fhir::parse_json(body, limits);
  if (!parsed) {
    intake_outcome out;
    out.refusal = intake_refusal{400, fhir::to_outcome(parsed.error())};
    return out;
  }
  message_intake in;
  in.bundle = std::make_unique<rapidjson::Document>(std::move(*parsed));
  if (fhir::json::string_member(*in.bundle, "resourceType") != "Bundle")
    return refuse(400, fhir::issue_code::invalid, "$process-message takes a Bundle of type message", "resourceType");
  if (fhir::outcome checked = fhir::validate(*in.bundle); !checked.ok()) {
    intake_outcome out;
    out.refusal = intake_refusal{400, std::move(checked)};
    return out;
  }
  auto message = read_inbound_message(*in.bundle);
  if (!message) return refuse(message.error());
  in.message = std::move(*message);

  bool ours = false;
  for (const auto& endpoint : in.message.destination_endpoints)
    if (const auto id = parse_endpoint_identifier(endpoint); id && names_one_of(services, *id)) ours = true;
  if (!ours)
    return refuse(404, fhir::issue_code::not_found,
                  "no MessageHeader.destination names this service (\"system|value\" of its identifier)",
                  entry_expression(0, "destination"));

  in.ids = std::move(*ids);
  in.party = std::move(*party);
  in.identifier_system = std::string(systems::uri_identifier);
  in.identifier_value = "urn:uuid:" + in.message.service_request_uuid;
  in.origin.original_bundle_id = in.message.bundle_id;
  in.origin.correlation_id = in.ids.correlation_id;
  in.origin.source_endpoint = in.message.source_endpoint;
  for (const auto& endpoint : in.message.destination_endpoints)
    if (const auto id = parse_endpoint_identifier(endpoint); id && names_one_of(services, *id))
      in.origin.destination_endpoint = endpoint;
  in.origin.service_request_uuid = in.message.service_request_uuid;
  read_encounter(in.message, in.origin);

  if (in.message.reason == message_reason::new_referral) {
    in.action = message_action::create_referral;
    in.referral = map_referral(in.message, *in.bundle);
    in.notes = in.referral.notes;
    return intake_outcome{std::move(in), std::nullopt};
  }
  const std::size_t sr = in.message.service_request;
  const auto status = fhir::json::string_member(*in.message.service_request_entry().resource, "status");
  if (status != "revoked" && status != "entered-in-error")
    return refuse(422, fhir::issue_code::processing,
                  "this receiver takes an update or delete of a referral as its cancellation: the ServiceRequest's "
                  "status must be revoked or entered-in-error, not " +
                      std::string(status),
                  entry_expression(sr, "status"));
  in.action = message_action::cancel_referral;
  return intake_outcome{std::move(in), std::nullopt};
}

}  // namespace gateway::bars
