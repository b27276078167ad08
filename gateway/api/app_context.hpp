#pragma once
// What the FHIR route handlers share: the use-case services (every write goes through them), the
// store port for reads and searches, the use cases' context (for auditing reads), and the body
// limits. Built once by gateway/application.cpp; immutable afterwards, so any thread may read it.
#include "fhir/json_parse.hpp"

namespace gateway::core {
class store;
}
namespace gateway::app {
struct context;
struct services;
}  // namespace gateway::app

namespace gateway::api {

struct app_context {
  core::store* store = nullptr;
  const app::context* app = nullptr;
  const app::services* services = nullptr;
  fhir::json_limits json_limits;
};

}  // namespace gateway::api
