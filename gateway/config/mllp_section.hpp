#pragma once
// The "mllp" section of the configuration: the HL7 v2 front door (gateway_config.hpp,
// mllp_listener), read and checked like the other sections (config_sections.hpp).
#include "gateway/config/config_error.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/config/json_object_reader.hpp"

namespace gateway::config {

void read_mllp(json_object_reader r, mllp_listener& out);

// Each sender names a configured referrer by a literal IP address; the port is not another
// listener's; without TLS at least one sender is configured (nobody could send otherwise).
void check_mllp(const gateway_config& config, config_errors& errors);

}  // namespace gateway::config
