#include "gateway/api/audit_search_route.hpp"
#include "gateway/api/audited_answer.hpp"

#include <functional>

#include "gateway/api/fhir_response.hpp"
#include "gateway/api/search_audit_params.hpp"
#include "gateway/api/search_bundle.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/core/access_policy.hpp"
#include "gateway/core/store.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

class audit_search_handler final : public route_handler {
 public:
  explicit audit_search_handler(const app_context& context) : ctx_(context) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    if (core::decide(request.who->access(), core::access_action::read_audit, {}) != core::access_decision::allow) {
      auto refused = refuse(request, app::refusal::single(app::refusal_kind::forbidden, fhir::issue_code::processing,
                                                          "audit records are available to the platform only"));
      co_return co_await std::move(refused);
    }
    audit_translate_outcome search = translate_audit_search(request.query);
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
    auto run = std::bind_front(&core::store::search_audit, ctx_.store, search->query);
    core::audit_outcome page = co_await await_store<core::audit_outcome>(std::move(run));
    if (!page) {
      auto refused = refuse(request, search_store_error(page.error(), cursor.has_value()));
      co_return co_await std::move(refused);
    }

    searchset bundle;
    bundle.self_url = search_url(request.base_url, "AuditEvent", search->applied, cursor);
    if (page->next_cursor)
      bundle.next_url = search_url(request.base_url, "AuditEvent", search->applied, page->next_cursor);
    app::audited_access access_record = access(true, {});
    access_record.more_entities.reserve(page->items.size());
    for (const auto& item : page->items)
      access_record.more_entities.push_back({std::string("AuditEvent"), item.id, {}});
    bundle.matches.reserve(page->items.size());
    for (auto& item : page->items) {
      bundle.matches.push_back({request.base_url + "/AuditEvent/" + item.id, std::move(item.json)});
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
    const std::string why = "audit search refused (" + std::to_string(http_status(refusal.kind)) + ")";
    auto answer =
        audited(*ctx_.app, *request.who, request.meta(), access(false, why), refusal_response(std::move(refusal)));
    co_return co_await std::move(answer);
  }

  const app_context& ctx_;
};

}  // namespace

void register_audit_search_route(route_table& routes, const app_context& context) {
  route r;
  r.method = boost::beast::http::verb::get;
  r.pattern = "/AuditEvent";
  r.resource_type = "AuditEvent";
  r.kind = interaction::search_type;
  r.search_params = audit_capability_search_params();
  r.handler = std::make_shared<audit_search_handler>(context);
  routes.add(std::move(r));
}

}  // namespace gateway::api
