#include "tools/referrer-sim/bars_sim_handler.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/error_codes.hpp"
#include "adapters/bars/target_identifier.hpp"
#include "adapters/bars/transaction_ids.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/json_view.hpp"
#include "fhir/validator.hpp"

namespace rg::referrer_sim {
namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace bars = gateway::bars;
using gateway::net::http_request;
using gateway::net::http_response;

namespace {

std::string header(const http_request& r, std::string_view name) {
  const auto it = r.find(boost::beast::string_view(name.data(), name.size()));
  return it == r.end() ? std::string() : std::string(it->value());
}

http_response bars_answer(int status, std::string body, const std::string& request_id,
                          const std::string& correlation_id) {
  http_response r;
  r.result(static_cast<http::status>(status));
  r.set(http::field::content_type, "application/fhir+json");
  if (!request_id.empty()) r.set(bars::headers::request_id, request_id);
  if (!correlation_id.empty()) r.set(bars::headers::correlation_id, correlation_id);
  r.body() = std::move(body);
  return r;
}

http_response bars_error(int status, std::string diagnostics, std::string expression, const std::string& request_id,
                         const std::string& correlation_id) {
  const auto e = bars::make_error_answer(status, fhir::make_outcome(fhir::severity::error, fhir::issue_code::invalid,
                                                                    std::move(diagnostics), std::move(expression)));
  return bars_answer(e.status, e.json, request_id, correlation_id);
}

// Why `bundle` is not a BaRS reply ("" when it is one), naming the element.
std::pair<std::string, std::string> reply_problem(const rapidjson::Value& bundle) {
  namespace json = fhir::json;
  if (json::string_member(bundle, "type") != "message") return {"Bundle.type", "a reply is a message Bundle"};
  const auto* entries = json::member(bundle, "entry");
  const rapidjson::Value* header = nullptr;
  if (entries != nullptr && entries->IsArray() && !entries->Empty()) header = json::member((*entries)[0], "resource");
  if (header == nullptr || json::string_member(*header, "resourceType") != "MessageHeader")
    return {"Bundle.entry[0]", "the first entry is the MessageHeader"};
  const std::string at = "Bundle.entry[0].resource.";
  if (json::string_member(*header, "id").empty()) return {at + "id", "the MessageHeader has no id"};
  const auto* event = json::member(*header, "eventCoding");
  if (event == nullptr || json::string_member(*event, "system") != bars::systems::message_event ||
      json::string_member(*event, "code") != bars::events::servicerequest_response)
    return {at + "eventCoding", "a reply's event is servicerequest-response (message-events-bars)"};
  const auto* response = json::member(*header, "response");
  if (response == nullptr || json::string_member(*response, "identifier").empty())
    return {at + "response.identifier", "a reply names the original Bundle.id in response.identifier"};
  if (json::string_member(*response, "code") != "ok") return {at + "response.code", "must be ok"};
  return {};
}

}  // namespace

bars_sim_handler::bars_sim_handler(const sim_options& options, message_log& log, sim_counters& counters)
    : options_(options), log_(log), counters_(counters), fail_remaining_(options.fail_first) {}

asio::awaitable<http_response> bars_sim_handler::handle(http_request request, gateway::net::request_context context) {
  (void)context;  // the listener already required a client certificate from the configured CA
  const std::string_view target = request.target();
  if (target == "/stats") {
    http_response r;
    r.result(request.method() == http::verb::get ? http::status::ok : http::status::method_not_allowed);
    r.set(http::field::content_type, "application/json");
    r.body() = counters_.json();
    co_return r;
  }
  const std::string request_id = header(request, bars::headers::request_id);
  const std::string correlation_id = header(request, bars::headers::correlation_id);
  if (target != options_.path) co_return bars_error(404, "no such endpoint", {}, request_id, correlation_id);
  if (request.method() != http::verb::post)
    co_return bars_error(405, "POST a BaRS message here", {}, request_id, correlation_id);
  counters_.received.fetch_add(1);
  if (!bars::is_uuid(request_id) || !bars::is_uuid(correlation_id)) {
    counters_.invalid.fetch_add(1);
    co_return bars_error(400, "X-Request-ID and X-Correlation-ID are required UUIDs",
                         bars::is_uuid(request_id) ? "X-Correlation-ID" : "X-Request-ID", request_id, correlation_id);
  }
  // A reply addressed through the BaRS proxy names the receiving service; when it does, the
  // header must decode as BaRS defines it.
  if (const std::string target_header = header(request, bars::headers::target_identifier);
      !target_header.empty() && !bars::decode_target_identifier(target_header)) {
    counters_.invalid.fetch_add(1);
    co_return bars_error(400, "NHSD-Target-Identifier must be base64 of {\"system\", \"value\"}",
                         std::string(bars::headers::target_identifier), request_id, correlation_id);
  }
  if (options_.delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(options_.delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (options_.answer_400) {
    counters_.rejected.fetch_add(1);
    co_return bars_error(400, "rejected by --answer-400", {}, request_id, correlation_id);
  }
  if (options_.answer_409) {
    counters_.duplicates.fetch_add(1);
    const auto d = bars::duplicate_answer("answered by --answer-409");
    co_return bars_answer(d.status, d.json, request_id, correlation_id);
  }
  if (counters_.take_planned_failure(fail_remaining_)) {
    const auto e = bars::make_error_answer(503, {});
    http_response r = bars_answer(e.status, e.json, request_id, correlation_id);
    if (options_.retry_after) r.set(http::field::retry_after, std::to_string(*options_.retry_after));
    co_return r;
  }
  co_return accept_reply(request, request_id, correlation_id);
}

http_response bars_sim_handler::accept_reply(const http_request& request, const std::string& request_id,
                                             const std::string& correlation_id) {
  auto parsed = fhir::parse_json(request.body(), fhir::json_limits{options_.max_body_bytes, 64});
  if (!parsed) {
    counters_.invalid.fetch_add(1);
    return bars_error(400, parsed.error().message, {}, request_id, correlation_id);
  }
  const rapidjson::Document& doc = *parsed;
  const fhir::outcome checked = fhir::validate(doc);
  if (!checked.ok()) {
    counters_.invalid.fetch_add(1);
    const auto e = bars::make_error_answer(400, checked);
    return bars_answer(e.status, e.json, request_id, correlation_id);
  }
  if (const auto [expression, problem] = reply_problem(doc); !problem.empty()) {
    counters_.invalid.fetch_add(1);
    return bars_error(400, problem, expression, request_id, correlation_id);
  }
  std::lock_guard lock(seen_mutex_);
  const std::string pair = correlation_id + "|" + request_id;
  if (!seen_.insert(pair).second) {
    counters_.duplicates.fetch_add(1);
    const auto d = bars::duplicate_answer("the message has been identified as having already been processed");
    return bars_answer(d.status, d.json, request_id, correlation_id);
  }
  rapidjson::Document line(rapidjson::kObjectType);
  auto& a = line.GetAllocator();
  line.AddMember("x_request_id", rapidjson::Value(request_id.c_str(), a), a);
  line.AddMember("x_correlation_id", rapidjson::Value(correlation_id.c_str(), a), a);
  line.AddMember("target_identifier", rapidjson::Value(header(request, bars::headers::target_identifier).c_str(), a),
                 a);
  line.AddMember("message", rapidjson::Value(doc, a), a);
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> writer(text);
  line.Accept(writer);
  if (!log_.append(std::string_view(text.GetString(), text.GetSize()))) {
    seen_.erase(pair);
    return bars_error(500, "cannot record the message", {}, request_id, correlation_id);
  }
  counters_.accepted.fetch_add(1);
  counters_.last_accepted_at_ms.store(unix_ms_now());
  return bars_answer(200,
                     R"({"resourceType":"OperationOutcome","issue":[{"severity":"information",)"
                     R"("code":"informational","diagnostics":"reply accepted"}]})",
                     request_id, correlation_id);
}

http_response bars_sim_handler::fault_response(gateway::net::request_fault fault,
                                               const gateway::net::request_context&) {
  switch (fault) {
    case gateway::net::request_fault::header_too_large:
    case gateway::net::request_fault::body_too_large:
    case gateway::net::request_fault::malformed:
      break;
    case gateway::net::request_fault::timeout:
      return bars_error(408, "request timed out", {}, {}, {});
  }
  return bars_error(400, "malformed or oversized request", {}, {}, {});
}

}  // namespace rg::referrer_sim
