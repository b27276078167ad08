#include "gateway/app/referral_records.hpp"

#include "gateway/app/store_call.hpp"
#include "gateway/core/outcome_link.hpp"

namespace gateway::app {

namespace {

core::search_query based_on(std::string type, const std::string& service_request_id, std::string owner_org,
                            std::size_t count) {
  core::search_query q;
  q.type = std::move(type);
  q.criteria.push_back({"based-on", {"ServiceRequest/" + service_request_id}});
  q.owner_org = std::move(owner_org);
  q.count = count;
  q.include_total = false;
  return q;
}

}  // namespace

task<task_lookup_outcome> find_referral_task(const context* ctx, std::string service_request_id,
                                             std::string owner_org) {
  auto search = store_search(*ctx->store, based_on("Task", service_request_id, std::move(owner_org), 1));
  core::search_outcome found = co_await search;
  if (!found) co_return task_lookup_outcome(boost::system::in_place_error, found.error());
  if (found->items.empty()) co_return task_lookup_outcome(std::optional<core::resource_record>());
  co_return task_lookup_outcome(std::optional<core::resource_record>(std::move(found->items.front())));
}

task<core::search_outcome> find_referral_observations(const context* ctx, std::string service_request_id,
                                                      std::string owner_org) {
  core::search_query q = based_on("Observation", service_request_id, std::move(owner_org), max_referral_observations);
  q.criteria.push_back({std::string(core::written_by_param), {std::string(core::written_by_platform)}});
  auto search = store_search(*ctx->store, std::move(q));
  core::search_outcome found = co_await search;
  co_return found;
}

rapidjson::Document parse_record(const core::resource_record& record) {
  rapidjson::Document doc;
  doc.Parse(record.json.data(), record.json.size());
  if (doc.HasParseError()) doc.SetNull();
  return doc;
}

std::vector<rapidjson::Document> parse_records(const std::vector<core::resource_record>& records) {
  std::vector<rapidjson::Document> docs;
  docs.reserve(records.size());
  for (const auto& r : records) docs.push_back(parse_record(r));
  return docs;
}

std::vector<const rapidjson::Value*> pointers_to(const std::vector<rapidjson::Document>& docs) {
  std::vector<const rapidjson::Value*> out;
  for (const auto& d : docs) {
    if (d.IsObject()) out.push_back(&d);
  }
  return out;
}

std::string id_in_reference(std::string_view reference, std::string_view type) {
  if (reference.size() <= type.size() + 1 || !reference.starts_with(type) || reference[type.size()] != '/') return {};
  const std::string_view id = reference.substr(type.size() + 1);
  return id.find('/') == std::string_view::npos ? std::string(id) : std::string();
}

}  // namespace gateway::app
