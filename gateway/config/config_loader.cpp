#include "gateway/config/config_loader.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <sstream>

#include "gateway/config/config_sections.hpp"

namespace gateway::config {
namespace {

// Sets `path` (dot separated) in `doc` to `value`, creating intermediate objects. Array
// elements are addressed by index ("callers.0.role").
bool apply_override(rapidjson::Document& doc, const override_setting& setting, config_errors& errors) {
  rapidjson::Document value_doc(&doc.GetAllocator());
  rapidjson::Value value;
  if (!value_doc.Parse(setting.value.c_str()).HasParseError()) {
    value.CopyFrom(value_doc, doc.GetAllocator());
  } else {
    value.SetString(setting.value.c_str(), static_cast<rapidjson::SizeType>(setting.value.size()), doc.GetAllocator());
  }
  rapidjson::Value* node = &doc;
  std::string walked;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = setting.path.find('.', start);
    const std::string key = setting.path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    walked += walked.empty() ? key : "." + key;
    if (key.empty()) {
      errors.push_back({setting.path, "--set: empty key in path"});
      return false;
    }
    rapidjson::Value* next = nullptr;
    if (node->IsArray()) {
      char* end = nullptr;
      const unsigned long index = std::strtoul(key.c_str(), &end, 10);
      if (*end != '\0' || index >= node->Size()) {
        errors.push_back({walked, "--set: no such array element"});
        return false;
      }
      next = &(*node)[static_cast<rapidjson::SizeType>(index)];
    } else {
      if (!node->IsObject()) node->SetObject();
      auto it = node->FindMember(key.c_str());
      if (it == node->MemberEnd()) {
        node->AddMember(rapidjson::Value(key.c_str(), doc.GetAllocator()), rapidjson::Value(rapidjson::kObjectType),
                        doc.GetAllocator());
        it = node->FindMember(key.c_str());
      }
      next = &it->value;
    }
    if (dot == std::string::npos) {
      *next = value;
      return true;
    }
    node = next;
    start = dot + 1;
  }
}

}  // namespace

std::optional<override_setting> parse_override(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return override_setting{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

load_result load_config_text(std::string_view text, std::string_view origin,
                             const std::vector<override_setting>& overrides) {
  config_errors errors;
  rapidjson::Document doc;
  const std::string copy(text);
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(copy.c_str());
  if (doc.HasParseError()) {
    errors.push_back({std::string(origin), std::string("invalid JSON at byte ") + std::to_string(doc.GetErrorOffset()) +
                                               ": " + rapidjson::GetParseError_En(doc.GetParseError())});
    return errors;
  }
  if (!doc.IsObject()) {
    errors.push_back({std::string(origin), "the configuration must be a JSON object"});
    return errors;
  }
  for (const auto& setting : overrides) apply_override(doc, setting, errors);
  if (!errors.empty()) return errors;

  auto config = std::make_shared<gateway_config>();
  read_gateway_config(doc, *config, errors);
  if (errors.empty()) check_gateway_config(*config, errors);
  if (!errors.empty()) return errors;
  return std::shared_ptr<const gateway_config>(std::move(config));
}

load_result load_config(const std::string& file, const std::vector<override_setting>& overrides) {
  if (file.empty()) return load_config_text(embedded_default_config(), "embedded default", overrides);
  std::ifstream in(file, std::ios::binary);
  if (!in) return config_errors{{"--config", file + ": file not found or not readable"}};
  std::ostringstream text;
  text << in.rdbuf();
  return load_config_text(text.str(), file, overrides);
}

}  // namespace gateway::config
