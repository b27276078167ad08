#include "gateway/api/outcome_routes.hpp"

#include "gateway/api/fhir_response.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/resource_body.hpp"
#include "gateway/api/resource_read_routes.hpp"
#include "gateway/api/use_case_await.hpp"
#include "gateway/app/services.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

class outcome_post_handler final : public route_handler {
 public:
  outcome_post_handler(const app_context& context, std::string type) : ctx_(context), type_(std::move(type)) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    auto read_body = read_resource_body(request, type_, ctx_.json_limits);
    if (auto* refused = std::get_if<app::refusal>(&read_body)) co_return refusal_response(std::move(*refused));
    const rapidjson::Document& body = std::get<rapidjson::Document>(read_body);

    app::outcome_create_command command{*request.who, request.meta(), &body};
    app::task<app::result<core::resource_record>> work = ctx_.services->outcome_create.create(std::move(command));
    app::result<core::resource_record> done = co_await await_use_case(std::move(work));
    if (!done) co_return refusal_response(std::move(done.error()));
    co_return resource_response(request, 201, *done, true);
  }

 private:
  const app_context& ctx_;
  const std::string type_;
};

}  // namespace

void register_outcome_routes(route_table& routes, const app_context& context) {
  for (const char* type : app::outcome_types) {
    route r;
    r.method = boost::beast::http::verb::post;
    r.pattern = std::string("/") + type;
    r.resource_type = type;
    r.kind = interaction::create;
    r.takes_body = true;
    r.handler = std::make_shared<outcome_post_handler>(context, type);
    routes.add(std::move(r));
    register_resource_read_routes(routes, context, type);
  }
}

}  // namespace gateway::api
