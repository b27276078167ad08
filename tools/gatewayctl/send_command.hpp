#pragma once
// `gatewayctl send FILE [--as NAME] [--certs DIR] [--url URL]` (DESIGN.md §3): posts a referral
// (a ServiceRequest: POST URL/ServiceRequest) or a Bundle (transaction or batch: POST URL) to a
// running gateway as the development caller NAME (default practice-a), over mutual TLS with
// DIR/client-NAME.crt and .key, trusting DIR/ca.crt (DIR default certs/dev, as made by
// `gatewayctl certs init`; URL default https://localhost:8443/fhir), and prints the answer:
// the status line, Location and ETag when given, then the body.
//
// Exit status: 0 for a 2xx answer, 1 for any other answer or no answer, 2 for a usage error or a
// file that cannot be read or is not a ServiceRequest or Bundle.
#include <iosfwd>
#include <string>
#include <vector>

namespace rg::gatewayctl {

int run_send_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rg::gatewayctl
