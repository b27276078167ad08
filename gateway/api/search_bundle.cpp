#include "gateway/api/search_bundle.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/operation_outcome_json.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/store_errc.hpp"

namespace gateway::api {

using core::json::key_string;
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void link(json_writer& w, const char* relation, const std::string& url) {
  w.StartObject();
  key_string(w, "relation", relation);
  key_string(w, "url", url);
  w.EndObject();
}

void search_mode(json_writer& w, const char* mode) {
  w.Key("search");
  w.StartObject();
  key_string(w, "mode", mode);
  w.EndObject();
}

}  // namespace

std::string searchset_json(const searchset& bundle) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  key_string(w, "resourceType", "Bundle");
  key_string(w, "type", "searchset");
  if (bundle.total >= 0) {
    w.Key("total");
    w.Int64(bundle.total);
  }
  w.Key("link");
  w.StartArray();
  link(w, "self", bundle.self_url);
  if (bundle.next_url) link(w, "next", *bundle.next_url);
  w.EndArray();
  if (!bundle.matches.empty() || !bundle.notes.issues.empty()) {
    w.Key("entry");
    w.StartArray();
    for (const auto& m : bundle.matches) {
      w.StartObject();
      key_string(w, "fullUrl", m.full_url);
      w.Key("resource");
      w.RawValue(m.json.data(), m.json.size(), rapidjson::kObjectType);
      search_mode(w, "match");
      w.EndObject();
    }
    if (!bundle.notes.issues.empty()) {
      const std::string outcome = fhir::to_operation_outcome_json(bundle.notes);
      w.StartObject();
      w.Key("resource");
      w.RawValue(outcome.data(), outcome.size(), rapidjson::kObjectType);
      search_mode(w, "outcome");
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string encode_query_component(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == ',' || c == ':' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

std::string search_url(std::string_view base_url, std::string_view type, const std::vector<query_param>& params,
                       const std::optional<std::string>& cursor) {
  std::string url(base_url);
  url += '/';
  url += type;
  char separator = '?';
  auto add = [&](std::string_view name, std::string_view value) {
    url += separator;
    url += encode_query_component(name);
    url += '=';
    url += encode_query_component(value);
    separator = '&';
  };
  for (const auto& p : params) add(p.name, p.value);
  if (cursor) add("_cursor", *cursor);
  return url;
}

fhir::outcome search_notes(const std::vector<std::string>& ignored, std::optional<std::size_t> requested_count,
                           std::size_t count) {
  fhir::outcome notes;
  for (const auto& name : ignored) {
    notes.issues.push_back({fhir::severity::warning,
                            fhir::issue_code::not_supported,
                            "search parameter '" + name + "' is unknown, unsupported or empty here and was ignored",
                            {}});
  }
  if (requested_count) {
    notes.issues.push_back({fhir::severity::information,
                            fhir::issue_code::processing,
                            "_count " + std::to_string(*requested_count) + " is over the maximum; pages hold at most " +
                                std::to_string(count),
                            {}});
  }
  return notes;
}

fhir::outcome strict_refusal(const std::vector<std::string>& ignored) {
  fhir::outcome refusal;
  for (const auto& name : ignored) {
    refusal.issues.push_back(
        {fhir::severity::error,
         fhir::issue_code::not_supported,
         "search parameter '" + name + "' is unknown, unsupported or empty here (Prefer: handling=strict)",
         {}});
  }
  return refusal;
}

app::refusal search_store_error(const boost::system::error_code& ec, bool had_cursor) {
  if (ec == core::store_errc::invalid_request && had_cursor) {
    return app::refusal::single(app::refusal_kind::invalid, fhir::issue_code::value,
                                "_cursor: not a cursor of this search (follow the next link as given)");
  }
  return app::refusal_from_store(ec);
}

}  // namespace gateway::api
