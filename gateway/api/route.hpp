#pragma once
// One FHIR REST route. The route table is the single source of truth for what the server
// does: the dispatcher matches requests against it and the CapabilityStatement is built from it.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/api/api_error.hpp"
#include "gateway/api/api_request.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

// FHIR RESTful interactions (CapabilityStatement.rest.resource.interaction.code and
// rest.interaction.code), plus operations and capabilities.
enum class interaction {
  read,
  vread,
  update,
  patch,
  delete_,
  history_instance,
  history_type,
  create,
  search_type,
  capabilities,
  transaction,
  batch,
  search_system,
  history_system,
  operation,
};

struct search_param_spec {
  std::string name;
  std::string type;  // number | date | string | token | reference | composite | quantity | uri | special
  std::string documentation;
};

// Handlers are objects, not lambdas: g++ 12 miscompiles capturing lambda coroutines.
class route_handler {
 public:
  virtual ~route_handler() = default;
  virtual boost::asio::awaitable<net::http_response> handle(const api_request& request) = 0;
  // How this route words a refusal made before its handler ran (no or unknown certificate, Accept,
  // Content-Type); nullopt: the FHIR OperationOutcome every route shares (fhir_response.hpp).
  virtual std::optional<net::http_response> refusal_answer(const api_error& /*error*/,
                                                           const net::http_request& /*request*/) const {
    return std::nullopt;
  }
};

struct route {
  boost::beast::http::verb method;
  std::string pattern;        // relative to the base path: "/metadata", "/ServiceRequest/{id}"
  std::string resource_type;  // "" for whole-system interactions
  interaction kind;
  // Further whole-system interactions the same handler serves on this method and path (POST /
  // is transaction and batch: the Bundle's type decides), listed in the CapabilityStatement.
  std::vector<interaction> also_provides;
  std::string operation;             // for kind == operation: the name without '$' ("validate")
  std::string operation_definition;  // canonical URL of the OperationDefinition
  std::vector<search_param_spec> search_params;
  bool allow_anonymous = false;  // reachable without a configured caller (only /metadata)
  bool takes_body = false;       // requests carry a FHIR resource (Content-Type checked)
  std::shared_ptr<route_handler> handler;
};

}  // namespace gateway::api
