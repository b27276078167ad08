#include "gateway/api/referral_create_route.hpp"

#include "fhir/json_view.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/referral_intake.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/resource_body.hpp"
#include "gateway/core/normalise_service_request.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

// The Patient a ServiceRequest's subject names among its contained resources, if any.
const rapidjson::Value* contained_patient(const rapidjson::Value& sr) {
  const auto* subject = fhir::json::object_member(sr, "subject");
  if (subject == nullptr) return nullptr;
  const std::string_view ref = fhir::json::string_member(*subject, "reference");
  if (ref.size() < 2 || ref.front() != '#') return nullptr;
  const auto* contained = fhir::json::array_member(sr, "contained");
  if (contained == nullptr) return nullptr;
  for (const auto& c : contained->GetArray()) {
    if (fhir::json::string_member(c, "id") == ref.substr(1) &&
        fhir::json::string_member(c, "resourceType") == "Patient") {
      return &c;
    }
  }
  return nullptr;
}

class referral_create_handler final : public route_handler {
 public:
  explicit referral_create_handler(const app_context& context) : ctx_(context) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    auto read_body = read_resource_body(request, "ServiceRequest", ctx_.json_limits);
    if (auto* refused = std::get_if<api_error>(&read_body)) co_return make_error_response(*refused);
    const rapidjson::Document& sr = std::get<rapidjson::Document>(read_body);
    fhir::outcome profile = fhir::validate_referral(sr);
    if (!profile.ok()) co_return make_error_response(error_from_validation(422, std::move(profile)));
    auto normalised = core::normalise_service_request(sr);
    if (!normalised) co_return make_error_response(error_from_core(normalised.error()));

    referral_intake_input in;
    in.service_request = &sr;
    in.normalised = &*normalised;
    in.patient = contained_patient(sr);
    if (const std::string_view header = request.http["If-None-Exist"]; !header.empty()) {
      in.if_none_exist = if_none_exist_identifier(header);
      if (!in.if_none_exist) {
        co_return make_error_response(api_error::single(400, fhir::issue_code::not_supported,
                                                        "If-None-Exist supports identifier=SYSTEM|VALUE only"));
      }
    }
    referral_intake_outcome intake = co_await run_referral_intake(ctx_, request, std::move(in));
    if (!intake) co_return make_error_response(intake.error());
    co_return resource_response(request, intake->created ? 201 : 200, intake->service_request, true);
  }

 private:
  const app_context& ctx_;
};

}  // namespace

void register_referral_create_route(route_table& routes, const app_context& context) {
  route r;
  r.method = boost::beast::http::verb::post;
  r.pattern = "/ServiceRequest";
  r.resource_type = "ServiceRequest";
  r.kind = interaction::create;
  r.takes_body = true;
  r.handler = std::make_shared<referral_create_handler>(context);
  routes.add(std::move(r));
}

}  // namespace gateway::api
