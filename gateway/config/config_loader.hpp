#pragma once
// Loads the configuration once at start-up: read the file (or the embedded default), apply the
// command line's --set overrides, parse into gateway_config, check values and files. Every
// problem found is returned (not only the first), each naming its key.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/config/config_error.hpp"
#include "gateway/config/gateway_config.hpp"

namespace gateway::config {

// One "--set key.path=value" from the command line. The value is taken as JSON when it parses
// as JSON (numbers, true/false, objects), otherwise as a string.
struct override_setting {
  std::string path;
  std::string value;
};

// Parses "a.b.c=value"; nullopt when there is no '=' or the path is empty.
std::optional<override_setting> parse_override(std::string_view text);

using load_result = std::variant<std::shared_ptr<const gateway_config>, config_errors>;

// `file` empty means the embedded default (config/gateway.json as built into the binary).
load_result load_config(const std::string& file, const std::vector<override_setting>& overrides);

// Same, from JSON text already in memory (`origin` names it in messages).
load_result load_config_text(std::string_view text, std::string_view origin,
                             const std::vector<override_setting>& overrides);

// The embedded default configuration text.
std::string_view embedded_default_config();

}  // namespace gateway::config
