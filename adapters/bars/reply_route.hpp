#pragma once
// Where a BaRS reply goes. The URL always comes from configuration for the referrer:
// referrers[].endpoint, or the message's MessageHeader.source.endpoint when that is an https URL
// the referrer's bars.allowed_source_endpoints lists. The NHSD-Target-Identifier of the reply (the
// BaRS proxy routes by it) is the message's source.endpoint when it is a "system|value" that list
// allows, else referrers[].bars.target_identifier, else none. A source.endpoint the configuration
// does not allow is kept in the conversation (audit) but never addressed: a sender cannot make
// the gateway send a patient's data somewhere its configuration does not name.
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/bars/target_identifier.hpp"

namespace gateway::bars {

struct referrer_routing {
  std::string endpoint;                               // referrers[].endpoint (https)
  std::vector<std::string> allowed_source_endpoints;  // referrers[].bars.allowed_source_endpoints
  std::string target_identifier;                      // referrers[].bars.target_identifier ("system|value"), "" = none
};

struct reply_route {
  std::string url;
  std::optional<target_identifier> target;
  bool source_endpoint_used = false;  // the message's source.endpoint chose the URL or the target
};

reply_route route_reply(const referrer_routing& referrer, std::string_view source_endpoint);

// Whether `url` is one the referrer's configuration allows (its endpoint or an allowed URL): the
// delivery port checks each reply again before sending, in case configuration changed since.
bool url_allowed(const referrer_routing& referrer, std::string_view url);

}  // namespace gateway::bars
