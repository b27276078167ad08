// gatewayctl: the operator's and integrator's command line for the referral gateway.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tools/certs/certs_command.hpp"
#include "tools/gatewayctl/migrate_command.hpp"
#include "tools/gatewayctl/outbox_command.hpp"
#include "tools/gatewayctl/preload_command.hpp"
#include "tools/gatewayctl/send_command.hpp"
#include "tools/gatewayctl/send_v2_command.hpp"
#include "tools/gatewayctl/validate_command.hpp"

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: gatewayctl COMMAND [ARGS]\n"
      "commands:\n"
      "  certs init [--dir certs/dev] [--force]   make development CA, server and client certificates, CRL\n"
      "  certs revoke NAME [--dir certs/dev]      add a development certificate to the CA's CRL\n"
      "  send FILE [--as NAME] [--certs DIR] [--url URL]\n"
      "                                           post a ServiceRequest or Bundle as a development caller\n"
      "  send-v2 FILE [--to mllp[s]://HOST:PORT]  send an HL7 v2 message over MLLP (TLS with mllps) and print the ACK\n"
      "  validate [--type TYPE] FILE...           validate each file as the FHIR resource it is (as $validate\n"
      "                                           does, but a Parameters file is not unwrapped)\n"
      "  outbox list [--state pending|dead|delivered] [--channel events|feedback] [--after SEQ] [--count N]\n"
      "  outbox show ID | retry ID | retry --all-dead | park ID\n"
      "                                           the outbox of a running gateway, over mTLS (each takes\n"
      "                                           --url https://HOST:PORT, --as NAME (operator), --certs DIR)\n"
      "  status [--ops URL] [--url URL] [--as NAME] [--certs DIR]\n"
      "                                           readiness and outbox depth of a running gateway\n"
      "  migrate --from sqlite:FILE --to postgres:DSN   copy an embedded store into an empty PostgreSQL one\n"
      "  preload --db FILE --referrals N [--requested N] [--pending N] [--organisations 200] [--days 365]\n"
      "          [--allow-existing]                 fill an empty SQLite store with synthetic referrals (benchmarks)\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "certs") return rg::certs::run_certs_command(args);
  if (command == "send") return rg::gatewayctl::run_send_command(args, std::cout, std::cerr);
  if (command == "validate") return rg::gatewayctl::run_validate_command(args, std::cout, std::cerr);
  if (command == "send-v2") return rg::gatewayctl::run_send_v2_command(args, std::cout, std::cerr);
  if (command == "outbox") return rg::gatewayctl::run_outbox_command(args, std::cout, std::cerr);
  if (command == "status") return rg::gatewayctl::run_status_command(args, std::cout, std::cerr);
  if (command == "preload") return rg::gatewayctl::run_preload_command(args, std::cout, std::cerr);
  if (command == "migrate") return rg::gatewayctl::run_migrate_command(args, std::cout, std::cerr);
  if (command == "help" || command == "--help" || command == "-h") {
    usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "gatewayctl: unknown command \"%s\"\n", command.c_str());
  usage(stderr);
  return 2;
}
