#include "gateway/api/bundle_response.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/beast/http/status.hpp>

#include "gateway/core/json_write.hpp"

namespace gateway::api {

using core::json::key_string;
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key_raw_object(json_writer& w, const char* key, const std::string& json) {
  w.Key(key);
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

}  // namespace

std::string status_text(unsigned status) {
  const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return std::to_string(status) + " " + std::string(reason);
}

bundle_entry_answer answer_for_record(const core::resource_record& record, unsigned status, const std::string& base_url,
                                      bool with_resource) {
  bundle_entry_answer a;
  a.status = status_text(status);
  a.full_url = base_url + "/" + record.type + "/" + record.id;
  a.location = record.type + "/" + record.id + "/_history/" + std::to_string(record.version);
  a.etag = "W/\"" + std::to_string(record.version) + "\"";
  a.last_modified = record.last_updated;
  if (with_resource) a.resource_json = record.json;
  return a;
}

std::string bundle_response_json(std::string_view type, const std::vector<bundle_entry_answer>& entries) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  key_string(w, "resourceType", "Bundle");
  key_string(w, "type", type);
  w.Key("entry");
  w.StartArray();
  for (const auto& e : entries) {
    w.StartObject();
    if (!e.full_url.empty()) key_string(w, "fullUrl", e.full_url);
    if (!e.resource_json.empty()) key_raw_object(w, "resource", e.resource_json);
    w.Key("response");
    w.StartObject();
    key_string(w, "status", e.status);
    if (!e.location.empty()) key_string(w, "location", e.location);
    if (!e.etag.empty()) key_string(w, "etag", e.etag);
    if (!e.last_modified.empty()) key_string(w, "lastModified", e.last_modified);
    if (!e.outcome_json.empty()) key_raw_object(w, "outcome", e.outcome_json);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace gateway::api
