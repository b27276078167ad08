#pragma once
// Store look-ups about one referral that several use cases share: its Task and its Observations
// (both found through the based-on search index, and only among the referral owner's resources,
// so nothing another organisation wrote can reach an answer or a message), and stored records
// parsed back to JSON.
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "gateway/app/context.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/store_query.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

// At most this many Observations of one referral go into an outcome summary and report.
inline constexpr std::size_t max_referral_observations = 200;

using task_lookup_outcome = boost::system::result<std::optional<core::resource_record>>;

// The referral's Task (the gateway creates one per referral); nullopt when there is none.
task<task_lookup_outcome> find_referral_task(const context* ctx, std::string service_request_id, std::string owner_org);

// The Observations the platform posted for the referral (its outcomes), oldest first: what
// outcome reports and summaries carry, never what anyone else wrote.
task<core::search_outcome> find_referral_observations(const context* ctx, std::string service_request_id,
                                                      std::string owner_org);

// Stored JSON parsed back (the store wrote it, so it parses; a failure leaves a null document).
rapidjson::Document parse_record(const core::resource_record& record);
std::vector<rapidjson::Document> parse_records(const std::vector<core::resource_record>& records);
std::vector<const rapidjson::Value*> pointers_to(const std::vector<rapidjson::Document>& docs);

// "ServiceRequest/123" -> "123" for a reference to that type, else "".
std::string id_in_reference(std::string_view reference, std::string_view type);

}  // namespace gateway::app
