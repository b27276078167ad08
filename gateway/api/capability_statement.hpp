#pragma once
// Builds the server's R4 CapabilityStatement from the registered routes: the route table is the
// one source of truth, so a new route appears here by being registered.
#include <string>

#include "gateway/api/route_table.hpp"

namespace gateway::api {

struct server_description {
  std::string software_name = "referral-gateway";
  std::string software_version;
  std::string implementation_description =
      "FHIR/HL7 referral gateway for a stepped-care pain and psychological-therapy service";
  std::string base_url;  // rest: implementation.url (may be empty)
  std::string date;      // FHIR dateTime of this build/start
};

std::string build_capability_statement(const route_table& routes, const server_description& server);

}  // namespace gateway::api
