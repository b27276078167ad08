#include "gateway/api/validate_route.hpp"

#include "fhir/operation_outcome_json.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/core/validate_operation.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

class validate_handler final : public route_handler {
 public:
  // type_from_path: the route's first path parameter is the resource type ("/{type}/$validate").
  validate_handler(const app_context& context, std::string fixed_type, bool type_from_path)
      : ctx_(context), fixed_type_(std::move(fixed_type)), type_from_path_(type_from_path) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    core::validate_request in;
    in.body = request.http.body();
    in.url_type = type_from_path_ && !request.path_params.empty() ? std::string_view(request.path_params[0])
                                                                  : std::string_view(fixed_type_);
    in.limits = ctx_.json_limits;
    const core::result<fhir::outcome> result = core::validate_operation(in);
    if (!result) co_return refusal_response(app::refusal_from_core(result.error()));
    co_return make_fhir_response(200, fhir::to_operation_outcome_json(*result));
  }

 private:
  const app_context& ctx_;
  std::string fixed_type_;
  bool type_from_path_;
};

route validate_route(std::string pattern, std::string resource_type, std::shared_ptr<route_handler> handler) {
  route r;
  r.method = boost::beast::http::verb::post;
  r.pattern = std::move(pattern);
  r.resource_type = std::move(resource_type);
  r.kind = interaction::operation;
  r.operation = "validate";
  r.operation_definition = validate_operation_definition;
  r.takes_body = true;
  r.handler = std::move(handler);
  return r;
}

}  // namespace

void register_validate_routes(route_table& routes, const app_context& context,
                              const std::vector<std::string>& listed_types) {
  routes.add(validate_route("/$validate", "", std::make_shared<validate_handler>(context, "", false)));
  routes.add(validate_route("/{type}/$validate", "", std::make_shared<validate_handler>(context, "", true)));
  for (const auto& type : listed_types) {
    routes.add(
        validate_route("/" + type + "/$validate", type, std::make_shared<validate_handler>(context, type, false)));
  }
}

}  // namespace gateway::api
