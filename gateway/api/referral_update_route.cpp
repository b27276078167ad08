#include "gateway/api/referral_update_route.hpp"

#include <boost/beast/http/field.hpp>

#include "gateway/api/conditional_request.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/resource_body.hpp"
#include "gateway/api/use_case_await.hpp"
#include "gateway/app/services.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

class referral_update_handler final : public route_handler {
 public:
  explicit referral_update_handler(const app_context& context) : ctx_(context) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    auto if_match = read_if_match(request.http[boost::beast::http::field::if_match]);
    if (auto* bad = std::get_if<api_error>(&if_match)) co_return make_error_response(*bad);
    auto read_body = read_resource_body(request, "ServiceRequest", ctx_.json_limits);
    if (auto* refused = std::get_if<app::refusal>(&read_body)) co_return refusal_response(std::move(*refused));
    const rapidjson::Document& body = std::get<rapidjson::Document>(read_body);

    app::referral_update_command command{*request.who, request.meta(), request.path_params[0], &body,
                                         std::get<std::optional<std::int64_t>>(if_match)};
    app::task<app::result<core::resource_record>> work = ctx_.services->referral_update.update(std::move(command));
    app::result<core::resource_record> done = co_await await_use_case(std::move(work));
    if (!done) co_return refusal_response(std::move(done.error()));
    co_return resource_response(request, 200, *done, false);
  }

 private:
  const app_context& ctx_;
};

}  // namespace

void register_referral_update_route(route_table& routes, const app_context& context) {
  route r;
  r.method = boost::beast::http::verb::put;
  r.pattern = "/ServiceRequest/{id}";
  r.resource_type = "ServiceRequest";
  r.kind = interaction::update;
  r.takes_body = true;
  r.handler = std::make_shared<referral_update_handler>(context);
  routes.add(std::move(r));
}

}  // namespace gateway::api
