#include "fhir/operation_outcome_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace fhir {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(json_writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_issue(json_writer& w, std::string_view sev, std::string_view code, std::string_view diagnostics,
                 std::string_view expression) {
  w.StartObject();
  w.Key("severity");
  write_string(w, sev);
  w.Key("code");
  write_string(w, code);
  // OperationOutcome elements must not be empty strings (ele-1), so omit what we do not have.
  if (!diagnostics.empty()) {
    w.Key("diagnostics");
    write_string(w, diagnostics);
  }
  if (!expression.empty()) {
    w.Key("expression");
    w.StartArray();
    write_string(w, expression);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string to_operation_outcome_json(const outcome& o) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  w.Key("resourceType");
  w.String("OperationOutcome");
  w.Key("issue");
  w.StartArray();
  if (o.issues.empty()) {
    write_issue(w, "information", "informational", "All OK", {});
  }
  for (const issue& i : o.issues) {
    write_issue(w, to_string(i.severity), to_string(i.code), i.diagnostics, i.expression);
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace fhir
