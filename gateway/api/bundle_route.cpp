#include "gateway/api/bundle_route.hpp"

#include "fhir/json_view.hpp"
#include "gateway/api/bundle_handlers.hpp"
#include "gateway/api/fhir_response.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

class bundle_handler final : public route_handler {
 public:
  bundle_handler(const app_context& context, const route_table& routes) : ctx_(context), routes_(routes) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    auto parsed = fhir::parse_json(request.http.body(), ctx_.json_limits);
    if (!parsed) {
      co_return refusal_response(
          app::refusal_from_validation(app::refusal_kind::invalid, fhir::to_outcome(parsed.error())));
    }
    const rapidjson::Document& bundle = *parsed;
    if (!bundle.IsObject() || fhir::json::string_member(bundle, "resourceType") != "Bundle") {
      co_return refusal_response(
          app::refusal::single(app::refusal_kind::invalid, fhir::issue_code::invalid,
                               "POST to the FHIR base takes a Bundle of type transaction or batch", "resourceType"));
    }
    const std::string_view type = fhir::json::string_member(bundle, "type");
    if (type == "transaction") co_return co_await answer_transaction(ctx_, request, bundle);
    if (type == "batch") co_return co_await answer_batch(ctx_, routes_, request, bundle);
    co_return refusal_response(
        app::refusal::single(app::refusal_kind::invalid, fhir::issue_code::not_supported,
                             "POST to the FHIR base takes a transaction or batch Bundle, not " +
                                 (type.empty() ? std::string("one without a type") : "type " + std::string(type)),
                             "Bundle.type"));
  }

 private:
  const app_context& ctx_;
  const route_table& routes_;
};

}  // namespace

void register_bundle_route(route_table& routes, const app_context& context) {
  route r;
  r.method = boost::beast::http::verb::post;
  r.pattern = "/";
  r.kind = interaction::transaction;
  r.also_provides = {interaction::batch};
  r.takes_body = true;
  r.handler = std::make_shared<bundle_handler>(context, routes);
  routes.add(std::move(r));
}

}  // namespace gateway::api
