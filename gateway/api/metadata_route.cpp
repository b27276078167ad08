#include "gateway/api/metadata_route.hpp"

#include "gateway/api/fhir_response.hpp"

namespace gateway::api {
namespace {

class metadata_handler final : public route_handler {
 public:
  explicit metadata_handler(std::string statement) : statement_(std::move(statement)) {}
  boost::asio::awaitable<net::http_response> handle(const api_request&) override {
    co_return make_fhir_response(200, statement_);
  }

 private:
  const std::string statement_;
};

}  // namespace

void register_metadata_route(route_table& routes, const server_description& server) {
  route r;
  r.method = boost::beast::http::verb::get;
  r.pattern = "/metadata";
  r.kind = interaction::capabilities;
  r.allow_anonymous = true;  // FHIR clients discover capabilities before they authenticate
  r.handler = std::make_shared<metadata_handler>(build_capability_statement(routes, server));
  routes.add(std::move(r));
}

}  // namespace gateway::api
