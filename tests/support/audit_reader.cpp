#include "tests/support/audit_reader.hpp"

#include <rapidjson/document.h>

namespace rg::testing {
namespace {

std::string text(const rapidjson::Value& v, const char* member) {
  return v.IsObject() && v.HasMember(member) && v[member].IsString() ? v[member].GetString() : std::string();
}

std::string what(const rapidjson::Value& entity) {
  if (!entity.IsObject() || !entity.HasMember("what")) return {};
  const auto& w = entity["what"];
  if (w.HasMember("reference")) return text(w, "reference");
  return w.HasMember("identifier") ? text(w["identifier"], "value") : std::string();
}

audit_row row_of(const rapidjson::Value& r) {
  audit_row row;
  row.action = text(r, "action");
  row.outcome = text(r, "outcome");
  if (r.HasMember("agent") && r["agent"].IsArray() && !r["agent"].Empty()) {
    const auto& agent = r["agent"][0];
    row.agent_name = text(agent, "name");
    if (agent.HasMember("type")) row.agent_role = text(agent["type"], "text");
  }
  if (r.HasMember("entity") && r["entity"].IsArray()) {
    const auto& entities = r["entity"];
    for (rapidjson::SizeType i = 0; i < entities.Size(); ++i) {
      if (i == 0) {
        row.entity = what(entities[0]);
        if (entities[0].HasMember("detail")) row.request_id = text(entities[0]["detail"][0], "valueString");
      } else {
        row.more_entities.push_back(what(entities[i]));
      }
    }
  }
  return row;
}

}  // namespace

std::vector<audit_row> audit_rows(https_client& platform, const std::string& query) {
  std::vector<audit_row> rows;
  std::string target = "/fhir/AuditEvent?_count=100" + (query.empty() ? std::string() : "&" + query);
  while (!target.empty()) {
    const auto page = platform.request("GET", target);
    target.clear();
    rapidjson::Document d;
    d.Parse(page.body.c_str());
    if (page.status != 200 || !d.IsObject()) {
      rows.push_back(audit_row{"?", "page " + std::to_string(page.status), {}, {}, {}, {}, {}});
      break;
    }
    if (d.HasMember("entry")) {
      for (const auto& e : d["entry"].GetArray()) rows.push_back(row_of(e["resource"]));
    }
    if (d.HasMember("link")) {
      for (const auto& l : d["link"].GetArray()) {
        if (text(l, "relation") != "next") continue;
        const std::string url = text(l, "url");
        target = url.substr(url.find("/fhir/"));
      }
    }
  }
  return rows;
}

std::vector<audit_row> rows_of_request(const std::vector<audit_row>& rows, const std::string& request_id) {
  std::vector<audit_row> out;
  for (const auto& r : rows) {
    if (r.request_id == request_id) out.push_back(r);
  }
  return out;
}

}  // namespace rg::testing
