#pragma once
// What the FHIR route handlers share: the store port, the triage rules and the few settings the
// core needs. Built once by gateway/app_routes.cpp; immutable afterwards, so any thread may read it.
#include <string>

#include "fhir/json_parse.hpp"

namespace gateway::core {
class store;
struct triage_rules;
}  // namespace gateway::core
namespace gateway::config {
struct gateway_config;
}

namespace gateway::api {

struct app_context {
  core::store* store = nullptr;
  const core::triage_rules* triage_rules = nullptr;
  std::string platform_org;  // ODS code of the platform: owner of every Task
  std::string event_source;  // CloudEvents "source" of the triage events
  fhir::json_limits json_limits;
  const config::gateway_config* config = nullptr;  // referrers, delivery settings
};

}  // namespace gateway::api
