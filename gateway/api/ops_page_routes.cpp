#include "gateway/api/ops_page_routes.hpp"

#include <boost/beast/http/field.hpp>

#include "gateway/api/ops_page/ops_page_assets.hpp"

namespace gateway::api {
namespace {

namespace http = boost::beast::http;

constexpr const char* content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

net::http_response serve(const page_asset& asset) {
  net::http_response res;
  res.result(200);
  res.set(http::field::content_type, asset.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("Content-Security-Policy", content_security_policy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Resource-Policy", "same-origin");
  res.body().assign(asset.body.data(), asset.body.size());
  return res;
}

class page_handler final : public ops_route_handler {
 public:
  explicit page_handler(bool index) : index_(index) {}
  boost::asio::awaitable<net::http_response> handle(const ops_request& request) override {
    const auto asset = find_page_asset(index_ ? std::string_view("index.html") : request.path_params.at(0));
    if (!asset) {
      net::http_response res;
      res.result(404);
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = "no such file of the operations page\n";
      co_return res;
    }
    co_return serve(*asset);
  }

 private:
  bool index_;
};

}  // namespace

void register_page_routes(ops_route_table& ops) {
  ops.add(http::verb::get, ops_page_path, std::make_shared<page_handler>(true));
  ops.add(http::verb::get, std::string(ops_page_path) + "/{file}", std::make_shared<page_handler>(false));
}

}  // namespace gateway::api
