#include "gateway/api/capability_statement.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <set>

#include "gateway/core/json_write.hpp"

namespace gateway::api {

using core::json::key_string;
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

const char* type_interaction_code(interaction kind) {
  switch (kind) {
    case interaction::read:
    case interaction::vread:
    case interaction::update:
    case interaction::patch:
    case interaction::delete_:
    case interaction::history_instance:
    case interaction::history_type:
    case interaction::create:
    case interaction::search_type:
      return interaction_code(kind);
    default:
      return nullptr;
  }
}

const char* system_interaction_code(interaction kind) {
  switch (kind) {
    case interaction::transaction:
    case interaction::batch:
    case interaction::search_system:
    case interaction::history_system:
      return interaction_code(kind);
    default:
      return nullptr;
  }
}

struct resource_entry {
  std::set<std::string> interactions;
  std::map<std::string, const search_param_spec*> search_params;
  std::map<std::string, std::string> operations;  // name -> definition
  bool conditional_create = false;
  bool versioned_update = false;
};

void write_operations(json_writer& w, const std::map<std::string, std::string>& operations) {
  if (operations.empty()) return;
  w.Key("operation");
  w.StartArray();
  for (const auto& [name, definition] : operations) {
    w.StartObject();
    key_string(w, "name", name);
    key_string(w, "definition", definition);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string build_capability_statement(const route_table& routes, const server_description& server) {
  std::map<std::string, resource_entry> resources;
  std::set<std::string> system_interactions;
  std::map<std::string, std::string> system_operations;
  for (const auto& r : routes.routes()) {
    if (r.resource_type.empty()) {
      if (const char* code = system_interaction_code(r.kind)) system_interactions.insert(code);
      for (const interaction also : r.also_provides) {
        if (const char* code = system_interaction_code(also)) system_interactions.insert(code);
      }
      if (r.kind == interaction::operation) system_operations[r.operation] = r.operation_definition;
      continue;
    }
    auto& entry = resources[r.resource_type];
    if (const char* code = type_interaction_code(r.kind)) entry.interactions.insert(code);
    if (r.kind == interaction::operation) entry.operations[r.operation] = r.operation_definition;
    if (r.kind == interaction::create) entry.conditional_create = true;
    if (r.kind == interaction::update) entry.versioned_update = true;
    for (const auto& p : r.search_params) entry.search_params[p.name] = &p;
  }

  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  key_string(w, "resourceType", "CapabilityStatement");
  key_string(w, "status", "active");
  key_string(w, "date", server.date);
  key_string(w, "publisher", "Referral gateway");
  key_string(w, "kind", "instance");
  w.Key("software");
  w.StartObject();
  key_string(w, "name", server.software_name);
  if (!server.software_version.empty()) key_string(w, "version", server.software_version);
  w.EndObject();
  w.Key("implementation");
  w.StartObject();
  key_string(w, "description", server.implementation_description);
  if (!server.base_url.empty()) key_string(w, "url", server.base_url);
  w.EndObject();
  key_string(w, "fhirVersion", "4.0.1");
  w.Key("format");
  w.StartArray();
  w.String("application/fhir+json");
  w.String("json");
  w.EndArray();
  w.Key("rest");
  w.StartArray();
  w.StartObject();
  key_string(w, "mode", "server");
  w.Key("security");
  w.StartObject();
  w.Key("cors");
  w.Bool(false);
  w.Key("service");
  w.StartArray();
  w.StartObject();
  w.Key("coding");
  w.StartArray();
  w.StartObject();
  key_string(w, "system", "http://terminology.hl7.org/CodeSystem/restful-security-service");
  key_string(w, "code", "Certificates");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  key_string(
      w, "description",
      "Mutual TLS: every caller presents a client certificate that configuration maps to a role and an organisation.");
  w.EndObject();
  if (!resources.empty()) {
    w.Key("resource");
    w.StartArray();
    for (const auto& [type, entry] : resources) {
      w.StartObject();
      key_string(w, "type", type);
      if (!entry.interactions.empty()) {
        w.Key("interaction");
        w.StartArray();
        for (const auto& code : entry.interactions) {
          w.StartObject();
          key_string(w, "code", code);
          w.EndObject();
        }
        w.EndArray();
      }
      if (entry.interactions.count("vread") || entry.interactions.count("history-instance")) {
        key_string(w, "versioning", "versioned-update");
        w.Key("readHistory");
        w.Bool(entry.interactions.count("vread") > 0);
      }
      if (entry.conditional_create) {
        w.Key("conditionalCreate");
        w.Bool(true);
      }
      if (!entry.search_params.empty()) {
        w.Key("searchParam");
        w.StartArray();
        for (const auto& [name, spec] : entry.search_params) {
          w.StartObject();
          key_string(w, "name", name);
          key_string(w, "type", spec->type);
          if (!spec->documentation.empty()) key_string(w, "documentation", spec->documentation);
          w.EndObject();
        }
        w.EndArray();
      }
      write_operations(w, entry.operations);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!system_interactions.empty()) {
    w.Key("interaction");
    w.StartArray();
    for (const auto& code : system_interactions) {
      w.StartObject();
      key_string(w, "code", code);
      w.EndObject();
    }
    w.EndArray();
  }
  write_operations(w, system_operations);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace gateway::api
