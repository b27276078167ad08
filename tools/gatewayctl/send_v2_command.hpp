#pragma once
// `gatewayctl send-v2 FILE [--to mllp://HOST:PORT | mllps://HOST:PORT] [--cert F --key F --ca F]
// [--timeout-ms T]`: sends one HL7 v2 message (the file's bytes, as they are) over MLLP - over TLS
// with mllps://, presenting a client certificate - and prints the answer, one segment a line.
//
// Exit status: 0 the answer is AA (or CA) for this message's MSH-10; 1 any other answer (AE, AR,
// an ACK for another message, not an ACK); 2 usage error or unreadable file; 3 no answer
// (connection, TLS or timeout), with the reason on stderr.
#include <iosfwd>
#include <string>
#include <vector>

namespace rg::gatewayctl {

int run_send_v2_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rg::gatewayctl
