#pragma once
// Section readers of the configuration (one function per top-level key), and the checks that
// need more than one value or the file system.
#include <rapidjson/document.h>

#include "gateway/config/config_error.hpp"
#include "gateway/config/gateway_config.hpp"

namespace gateway::config {

void read_gateway_config(const rapidjson::Value& root, gateway_config& out, config_errors& errors);

// Files exist and are readable, callers are unique and well formed, limits make sense.
void check_gateway_config(const gateway_config& config, config_errors& errors);

}  // namespace gateway::config
