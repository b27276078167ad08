#include "gateway/api/referral_create_route.hpp"

#include "gateway/api/conditional_request.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/resource_body.hpp"
#include "gateway/api/use_case_await.hpp"
#include "gateway/app/services.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

class referral_create_handler final : public route_handler {
 public:
  explicit referral_create_handler(const app_context& context) : ctx_(context) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    auto read_body = read_resource_body(request, "ServiceRequest", ctx_.json_limits);
    if (auto* refused = std::get_if<app::refusal>(&read_body)) co_return refusal_response(std::move(*refused));
    const rapidjson::Document& sr = std::get<rapidjson::Document>(read_body);

    app::referral_create_command command{*request.who, request.meta(), app::standalone_referral{&sr}, {}};
    if (const std::string_view header = request.http["If-None-Exist"]; !header.empty()) {
      command.if_none_exist = if_none_exist_identifier(header);
      if (!command.if_none_exist) {
        co_return make_error_response(api_error::single(400, fhir::issue_code::not_supported,
                                                        "If-None-Exist supports identifier=SYSTEM|VALUE only"));
      }
    }
    app::task<app::result<app::referral_created>> work = ctx_.services->referral_create.create(std::move(command));
    app::result<app::referral_created> done = co_await await_use_case(std::move(work));
    if (!done) co_return refusal_response(std::move(done.error()));
    co_return resource_response(request, done->created ? 201 : 200, done->service_request, true);
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
