#include "gateway/core/data_object.hpp"

#include <rapidjson/error/en.h>

namespace gateway::core {

std::optional<error> data_object::problem() const {
  if (problems_.empty()) return std::nullopt;
  const config::config_error& first = problems_.front();
  return make_error(error_kind::invalid, first.path.empty() ? "$" : first.path, first.message);
}

result<rapidjson::Document> parse_json_text(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());  // default flags: trailing garbage is an error
  if (doc.HasParseError())
    return make_error(error_kind::invalid, "$",
                      std::string("invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                          rapidjson::GetParseError_En(doc.GetParseError()));
  return doc;
}

}  // namespace gateway::core
