#include "gateway/api/search_routes.hpp"
#include "gateway/api/audited_answer.hpp"

#include <functional>

#include "gateway/api/audit_search_route.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/search_bundle.hpp"
#include "gateway/api/search_params.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/core/access_policy.hpp"
#include "gateway/core/store.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

class resource_search_handler final : public route_handler {
 public:
  resource_search_handler(const app_context& context, const search_definition& def) : ctx_(context), def_(def) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    translate_outcome search = translate_search(def_, request.query, core::search_scope(request.who->access()));
    if (!search) {
      auto refused = refuse(
          request, app::refusal::single(app::refusal_kind::invalid, fhir::issue_code::value, search.error().message));
      co_return co_await std::move(refused);
    }
    if (!search->ignored.empty() && prefers_strict_handling(request.http["Prefer"])) {
      auto refused = refuse(request, app::refusal{app::refusal_kind::invalid, strict_refusal(search->ignored)});
      co_return co_await std::move(refused);
    }
    const std::optional<std::string> cursor = search->query.cursor;
    auto run = std::bind_front(&core::store::search, ctx_.store, search->query);
    core::search_outcome page = co_await await_store<core::search_outcome>(std::move(run));
    if (!page) {
      auto refused = refuse(request, search_store_error(page.error(), cursor.has_value()));
      co_return co_await std::move(refused);
    }

    searchset bundle;
    bundle.total = page->total;
    bundle.self_url = search_url(request.base_url, def_.type, search->applied, cursor);
    if (page->next_cursor)
      bundle.next_url = search_url(request.base_url, def_.type, search->applied, page->next_cursor);
    app::audited_access access_record = access(true, {});
    access_record.more_entities.reserve(page->items.size());
    for (const auto& item : page->items) access_record.more_entities.push_back({item.type, item.id, {}});
    bundle.matches.reserve(page->items.size());
    for (auto& item : page->items) {
      bundle.matches.push_back({request.base_url + "/" + item.type + "/" + item.id, std::move(item.json)});
    }
    bundle.notes = search_notes(search->ignored, search->requested_count, search->query.count);
    auto answer = audited(*ctx_.app, *request.who, request.meta(), std::move(access_record),
                          make_fhir_response(200, searchset_json(bundle)));
    co_return co_await std::move(answer);
  }

 private:
  static app::audited_access access(bool success, std::string why) {
    return app::audited_access{core::audit_action::execute, "search-type", {}, {}, success, std::move(why), {}, false};
  }

  asio::awaitable<net::http_response> refuse(const api_request& request, app::refusal refusal) const {
    const std::string why = "search refused (" + std::to_string(http_status(refusal.kind)) + ")";
    auto answer =
        audited(*ctx_.app, *request.who, request.meta(), access(false, why), refusal_response(std::move(refusal)));
    co_return co_await std::move(answer);
  }

  const app_context& ctx_;
  const search_definition& def_;
};

}  // namespace

void register_search_routes(route_table& routes, const app_context& context) {
  for (const auto& def : resource_search_definitions()) {
    route r;
    r.method = boost::beast::http::verb::get;
    r.pattern = "/" + def.type;
    r.resource_type = def.type;
    r.kind = interaction::search_type;
    r.search_params = capability_search_params(def);
    r.handler = std::make_shared<resource_search_handler>(context, def);
    routes.add(std::move(r));
  }
  register_audit_search_route(routes, context);
}

}  // namespace gateway::api
