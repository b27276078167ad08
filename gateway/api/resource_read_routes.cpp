#include "gateway/api/resource_read_routes.hpp"
#include "gateway/api/audited_answer.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <functional>

#include "gateway/api/fhir_response.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/core/store.hpp"

namespace gateway::api {
namespace asio = boost::asio;
using boost::beast::http::verb;

namespace {

enum class read_kind { read, vread, history };

const char* interaction_code(read_kind kind) {
  switch (kind) {
    case read_kind::read:
      return "read";
    case read_kind::vread:
      return "vread";
    case read_kind::history:
      return "history-instance";
  }
  return "read";
}

// Bundle of type history, newest first (FHIR's order for _history).
std::string history_bundle(const std::vector<core::resource_record>& versions, const std::string& base_url) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("resourceType");
  w.String("Bundle");
  w.Key("type");
  w.String("history");
  w.Key("total");
  w.Uint64(versions.size());
  w.Key("entry");
  w.StartArray();
  for (const auto& v : versions) {
    const std::string url = v.type + "/" + v.id;
    w.StartObject();
    w.Key("fullUrl");
    w.String((base_url + "/" + url).c_str());
    if (!v.deleted) {
      w.Key("resource");
      w.RawValue(v.json.data(), v.json.size(), rapidjson::kObjectType);
    }
    w.Key("request");
    w.StartObject();
    w.Key("method");
    w.String(v.deleted ? "DELETE" : (v.version == 1 ? "POST" : "PUT"));
    w.Key("url");
    w.String(v.version == 1 ? v.type.c_str() : url.c_str());
    w.EndObject();
    w.Key("response");
    w.StartObject();
    w.Key("status");
    w.String(v.deleted ? "204" : (v.version == 1 ? "201" : "200"));
    w.Key("etag");
    w.String(("W/\"" + std::to_string(v.version) + "\"").c_str());
    w.Key("lastModified");
    w.String(v.last_updated.c_str());
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

class resource_read_handler final : public route_handler {
 public:
  resource_read_handler(const app_context& context, std::string type, read_kind kind)
      : ctx_(context), type_(std::move(type)), kind_(kind) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    const std::string& id = request.path_params[0];
    const core::caller who = request.who->access();
    app::audited_access access{core::audit_action::read, interaction_code(kind_), type_, id, true, {}, {}, false};

    // The current version decides ownership (it never changes over a resource's history).
    auto read = std::bind_front(&core::store::read, ctx_.store, type_, id);
    core::read_outcome current = co_await await_store<core::read_outcome>(std::move(read));
    const bool gone = !current && current.error() == core::store_errc::gone;
    if (!current && !gone) {
      access.success = false;
      access.outcome_text = current.error().message();
      auto answer = audited(*ctx_.app, *request.who, request.meta(), std::move(access),
                            refusal_response(app::refusal_from_store(current.error())));
      co_return co_await std::move(answer);
    }
    if (current && core::decide(who, core::access_action::read, current->owner_org) != core::access_decision::allow) {
      access.success = false;
      access.outcome_text = "not visible to this caller";
      auto answer = audited(*ctx_.app, *request.who, request.meta(), std::move(access),
                            refusal_response(app::refusal_from_store(core::store_errc::not_found)));
      co_return co_await std::move(answer);
    }

    net::http_response response;
    if (kind_ == read_kind::read) {
      response = gone ? refusal_response(app::refusal_from_store(current.error())) : read_response(*current);
    } else if (kind_ == read_kind::vread) {
      std::int64_t version = 0;
      const std::string& text = request.path_params[1];
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
      if (ec != std::errc() || end != text.data() + text.size() || version < 1) {
        response = refusal_response(
            app::refusal::single(app::refusal_kind::not_found, fhir::issue_code::not_found, "no such version"));
      } else {
        auto vread = std::bind_front(&core::store::vread, ctx_.store, type_, id, version);
        core::read_outcome v = co_await await_store<core::read_outcome>(std::move(vread));
        response = v ? read_response(*v) : refusal_response(app::refusal_from_store(v.error()));
      }
    } else {
      auto history = std::bind_front(&core::store::history, ctx_.store, type_, id, std::size_t{100});
      core::history_outcome versions = co_await await_store<core::history_outcome>(std::move(history));
      response = versions ? make_fhir_response(200, history_bundle(*versions, request.base_url))
                          : refusal_response(app::refusal_from_store(versions.error()));
    }
    access.success = response.result_int() < 400;
    auto answer = audited(*ctx_.app, *request.who, request.meta(), std::move(access), std::move(response));
    co_return co_await std::move(answer);
  }

 private:
  const app_context& ctx_;
  const std::string type_;
  const read_kind kind_;
};

void add(route_table& routes, const app_context& context, const std::string& type, read_kind kind,
         const std::string& pattern, interaction code) {
  route r;
  r.method = verb::get;
  r.pattern = pattern;
  r.resource_type = type;
  r.kind = code;
  r.handler = std::make_shared<resource_read_handler>(context, type, kind);
  routes.add(std::move(r));
}

}  // namespace

void register_resource_read_routes(route_table& routes, const app_context& context, const std::string& type) {
  add(routes, context, type, read_kind::read, "/" + type + "/{id}", interaction::read);
  add(routes, context, type, read_kind::vread, "/" + type + "/{id}/_history/{vid}", interaction::vread);
  add(routes, context, type, read_kind::history, "/" + type + "/{id}/_history", interaction::history_instance);
}

}  // namespace gateway::api
