#pragma once
// The load generator's HL7 v2 side (rg-bench mllp): N MLLP connections over TLS with a client
// certificate, each sending messages back to back and waiting for each ACK, measured after a
// warm-up like the HTTPS load. The answers are counted under HTTP-like codes so the summary reads
// the same: AA 200, AE 400, AR 503, an answer that is no ACK 0.
#include <vector>

#include "tools/bench/load_client.hpp"
#include "tools/bench/load_stats.hpp"

namespace rg::bench {

// Uses options.target, body (the message template), run_tag, connections, threads, warmup,
// duration and timeout; method, path and headers do not apply.
std::vector<connection_record> run_mllp_load(const load_options& options, std::string& error);

}  // namespace rg::bench
