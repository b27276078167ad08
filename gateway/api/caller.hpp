#pragma once
// A caller known to configuration, identified by its client certificate: the use-case layer's
// caller (name for audit, role, organisation), which the FHIR front door passes on as it is.
#include "gateway/app/command.hpp"

namespace gateway::api {

using caller = app::caller;

}  // namespace gateway::api
