#pragma once
// A request as route handlers see it: the HTTP message, the matched route's path parameters,
// the decoded query, the caller and the request id (and, for the use cases, as request_meta).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/api/caller.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

struct query_param {
  std::string name;
  std::string value;
};

struct api_request {
  const net::http_request& http;
  std::vector<std::string> path_params;  // in the order of the pattern's {placeholders}
  std::vector<query_param> query;
  std::optional<caller> who;  // nullopt only on routes that allow anonymous callers
  std::string request_id;
  std::string base_url;  // e.g. https://localhost:8443/fhir, for Location and fullUrl
  // Set once this request's access is on the audit trail (a batch entry has its own).
  std::shared_ptr<app::audit_mark> audited = std::make_shared<app::audit_mark>();

  app::request_meta meta() const {
    return app::request_meta{request_id, {}, app::front_door::fhir_rest, base_url, audited};
  }
};

}  // namespace gateway::api
