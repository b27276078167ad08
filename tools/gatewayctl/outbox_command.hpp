#pragma once
// gatewayctl outbox ... and gatewayctl status: the operator's view of a running gateway. The
// outbox routes are under /ops on the HTTPS listener, over mutual TLS with an operator's (or the
// platform's) certificate (--url https://localhost:8443, --as operator, --certs certs/dev by
// default); status reads readiness from the plain operations listener (--ops
// http://127.0.0.1:9464) and the outbox depth from /ops.
//
//   gatewayctl outbox list [--state pending|dead|delivered] [--channel C] [--after SEQ] [--count N]
//   gatewayctl outbox show ID
//   gatewayctl outbox retry ID | retry --all-dead
//   gatewayctl outbox park ID
//   gatewayctl status
//
// Exit codes: 0 done; 1 the gateway answered with an error, is not ready, or cannot be reached;
// 2 usage error.
#include <ostream>
#include <string>
#include <vector>

namespace rg::gatewayctl {

int run_outbox_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_status_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rg::gatewayctl
