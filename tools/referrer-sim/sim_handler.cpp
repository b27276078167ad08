#include "tools/referrer-sim/sim_handler.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <variant>

#include "fhir/json_parse.hpp"
#include "fhir/operation_outcome_json.hpp"
#include "fhir/validator.hpp"

namespace rg::referrer_sim {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using gateway::net::http_request;
using gateway::net::http_response;

namespace {

http_response answer(http::status status, std::string content_type, std::string body) {
  http_response r;
  r.result(status);
  if (!content_type.empty()) r.set(http::field::content_type, content_type);
  r.body() = std::move(body);
  return r;
}

http_response outcome_answer(http::status status, const fhir::outcome& o) {
  return answer(status, "application/fhir+json", fhir::to_operation_outcome_json(o));
}

http_response problem(http::status status, fhir::issue_code code, std::string text) {
  return outcome_answer(status, fhir::make_outcome(fhir::severity::error, code, std::move(text)));
}

const rapidjson::Value* member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

bool is_string(const rapidjson::Value* v, std::string_view expected) {
  return v != nullptr && v->IsString() && std::string_view(v->GetString(), v->GetStringLength()) == expected;
}

// MessageHeader.id of a FHIR message Bundle, or why it is not one.
std::variant<std::string, std::string> message_id(const rapidjson::Value& bundle) {
  using result = std::variant<std::string, std::string>;
  if (!is_string(member(bundle, "resourceType"), "Bundle")) return result(std::in_place_index<1>, "not a Bundle");
  if (!is_string(member(bundle, "type"), "message"))
    return result(std::in_place_index<1>, "Bundle.type is not message");
  const rapidjson::Value* entries = member(bundle, "entry");
  if (entries == nullptr || !entries->IsArray() || entries->Empty()) {
    return result(std::in_place_index<1>, "the message Bundle has no entries");
  }
  const rapidjson::Value* header = member((*entries)[0], "resource");
  if (header == nullptr || !is_string(member(*header, "resourceType"), "MessageHeader")) {
    return result(std::in_place_index<1>, "the first entry is not a MessageHeader");
  }
  const rapidjson::Value* id = member(*header, "id");
  if (id == nullptr || !id->IsString() || id->GetStringLength() == 0) {
    return result(std::in_place_index<1>, "the MessageHeader has no id");
  }
  return result(std::in_place_index<0>, std::string(id->GetString(), id->GetStringLength()));
}

}  // namespace

std::string sim_counters::json() const {
  return "{\"received\":" + std::to_string(received.load()) + ",\"accepted\":" + std::to_string(accepted.load()) +
         ",\"duplicates\":" + std::to_string(duplicates.load()) + ",\"invalid\":" + std::to_string(invalid.load()) +
         ",\"failed\":" + std::to_string(failed.load()) + ",\"rejected\":" + std::to_string(rejected.load()) +
         ",\"closed\":" + std::to_string(closed.load()) +
         ",\"first_failed_at_ms\":" + std::to_string(first_failed_at_ms.load()) +
         ",\"last_failed_at_ms\":" + std::to_string(last_failed_at_ms.load()) +
         ",\"last_accepted_at_ms\":" + std::to_string(last_accepted_at_ms.load()) + "}";
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool sim_counters::take_planned_failure(std::atomic<std::int64_t>& remaining) {
  if (remaining.load() <= 0 || remaining.fetch_sub(1) <= 0) return false;
  failed.fetch_add(1);
  const std::int64_t now = unix_ms_now();
  std::int64_t never = 0;
  first_failed_at_ms.compare_exchange_strong(never, now);
  last_failed_at_ms.store(now);
  return true;
}

sim_handler::sim_handler(const sim_options& options, message_log& log, sim_counters& counters)
    : options_(options), log_(log), counters_(counters), fail_remaining_(options.fail_first) {}

asio::awaitable<http_response> sim_handler::handle(http_request request, gateway::net::request_context context) {
  (void)context;  // the listener already required a client certificate from the configured CA
  const std::string_view target = request.target();
  if (target == "/stats") {
    if (request.method() != http::verb::get) co_return answer(http::status::method_not_allowed, {}, {});
    co_return answer(http::status::ok, "application/json", counters_.json());
  }
  if (target != options_.path) {
    co_return problem(http::status::not_found, fhir::issue_code::not_found, "no such endpoint");
  }
  if (request.method() != http::verb::post) {
    co_return problem(http::status::method_not_allowed, fhir::issue_code::not_supported, "POST a FHIR message here");
  }
  counters_.received.fetch_add(1);

  if (options_.delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(options_.delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (options_.answer_400) {
    counters_.rejected.fetch_add(1);
    co_return problem(http::status::bad_request, fhir::issue_code::processing, "rejected by --answer-400");
  }
  if (counters_.take_planned_failure(fail_remaining_)) {
    http_response r =
        problem(http::status::service_unavailable, fhir::issue_code::processing, "unavailable (--fail-first)");
    if (options_.retry_after) r.set(http::field::retry_after, std::to_string(*options_.retry_after));
    co_return r;
  }
  co_return accept_message(request);
}

http_response sim_handler::accept_message(const http_request& request) {
  auto parsed = fhir::parse_json(request.body(), fhir::json_limits{options_.max_body_bytes, 64});
  if (!parsed) {
    counters_.invalid.fetch_add(1);
    return outcome_answer(http::status::bad_request, fhir::to_outcome(parsed.error()));
  }
  const rapidjson::Document& doc = *parsed;
  const fhir::outcome checked = fhir::validate(doc);
  if (!checked.ok()) {
    counters_.invalid.fetch_add(1);
    return outcome_answer(http::status::bad_request, checked);
  }
  auto id = message_id(doc);
  if (id.index() == 1) {
    counters_.invalid.fetch_add(1);
    return problem(http::status::bad_request, fhir::issue_code::invalid, "not a FHIR message: " + std::get<1>(id));
  }
  const std::string& message = std::get<0>(id);

  std::lock_guard lock(seen_mutex_);
  if (!seen_.insert(message).second) {
    counters_.duplicates.fetch_add(1);
    return outcome_answer(http::status::ok,
                          fhir::make_outcome(fhir::severity::information, fhir::issue_code::processing,
                                             "duplicate message " + message + " ignored"));
  }
  rapidjson::StringBuffer line;
  rapidjson::Writer<rapidjson::StringBuffer> writer(line);
  doc.Accept(writer);
  if (!log_.append(std::string_view(line.GetString(), line.GetSize()))) {
    seen_.erase(message);
    return problem(http::status::internal_server_error, fhir::issue_code::processing, "cannot record the message");
  }
  counters_.accepted.fetch_add(1);
  counters_.last_accepted_at_ms.store(unix_ms_now());
  return outcome_answer(http::status::ok, fhir::make_outcome(fhir::severity::information, fhir::issue_code::processing,
                                                             "message " + message + " accepted"));
}

http_response sim_handler::fault_response(gateway::net::request_fault fault, const gateway::net::request_context&) {
  switch (fault) {
    case gateway::net::request_fault::header_too_large:
      return problem(http::status::request_header_fields_too_large, fhir::issue_code::too_costly, "header too large");
    case gateway::net::request_fault::body_too_large:
      return problem(http::status::payload_too_large, fhir::issue_code::too_costly, "body too large");
    case gateway::net::request_fault::timeout:
      return problem(http::status::request_timeout, fhir::issue_code::processing, "request timed out");
    case gateway::net::request_fault::malformed:
      break;
  }
  return problem(http::status::bad_request, fhir::issue_code::structure, "malformed request");
}

}  // namespace rg::referrer_sim
