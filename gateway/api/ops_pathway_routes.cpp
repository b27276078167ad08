#include "gateway/api/ops_pathway_routes.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <functional>
#include <iterator>

#include "gateway/api/fhir_response.hpp"
#include "gateway/api/pathway_query.hpp"
#include "gateway/api/pathway_wire.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/pathway_report.hpp"
#include "gateway/core/store_pathway.hpp"

namespace gateway::api {
namespace {

namespace http = boost::beast::http;
using clock = std::chrono::system_clock;

net::http_response answer(std::string content_type, std::string body) {
  net::http_response res;
  res.result(200);
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

class pathway_handler final : public ops_route_handler {
 public:
  pathway_handler(core::pathway_store& store, std::chrono::milliseconds urgent_accept, bool one_table)
      : store_(store), urgent_accept_(urgent_accept), one_table_(one_table) {}

  boost::asio::awaitable<net::http_response> handle(const ops_request& request) override {
    const clock::time_point now = clock::now();
    const auto parsed = parse_pathway_query(request.query, std::chrono::floor<std::chrono::days>(now), one_table_);
    if (!parsed) co_return make_error_response(parsed.error());
    const std::string table = one_table_ ? request.path_params.at(0) : std::string();
    if (one_table_ && std::find(std::begin(core::pathway_table_names), std::end(core::pathway_table_names), table) ==
                          std::end(core::pathway_table_names)) {
      co_return make_error_response(api_error::single(404, fhir::issue_code::not_found,
                                                      "no table \"" + table + "\" on the operations page", "table"));
    }
    core::pathway_window window;
    window.from = parsed->first_day;
    window.to = parsed->last_day + std::chrono::days(1);
    const core::pathway_settings settings{window.from, window.to, now, urgent_accept_};
    auto run = std::bind_front(&core::pathway_store::pathway_facts, &store_, std::move(window));
    const core::pathway_outcome facts = co_await await_store<core::pathway_outcome>(std::move(run));
    if (!facts) co_return refusal_response(app::refusal_from_store(facts.error()));
    core::pathway_report report = core::summarise_pathway(*facts, settings);

    const pathway_envelope envelope{core::format_date(std::chrono::year_month_day{parsed->first_day}),
                                    core::format_date(std::chrono::year_month_day{parsed->last_day}),
                                    core::format_instant(now), report.truncated};
    if (!one_table_) co_return answer("application/json", pathway_json(envelope, report.tables));
    const auto found = std::find_if(report.tables.begin(), report.tables.end(),
                                    [&](const core::report_table& t) { return t.name == table; });
    if (!parsed->csv) co_return answer("application/json", pathway_json(envelope, std::span(&*found, 1)));
    net::http_response res = answer("text/csv; charset=utf-8", table_csv(*found));
    res.set(http::field::content_disposition,
            "attachment; filename=\"" + table + "_" + envelope.from + "_" + envelope.to + ".csv\"");
    co_return res;
  }

 private:
  core::pathway_store& store_;
  std::chrono::milliseconds urgent_accept_;
  bool one_table_;
};

}  // namespace

void register_pathway_routes(ops_route_table& ops, core::pathway_store& store,
                             std::chrono::milliseconds urgent_accept) {
  ops.add(http::verb::get, "/pathway", std::make_shared<pathway_handler>(store, urgent_accept, false));
  ops.add(http::verb::get, "/pathway/{table}", std::make_shared<pathway_handler>(store, urgent_accept, true));
}

}  // namespace gateway::api
