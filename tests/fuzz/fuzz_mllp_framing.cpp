// libFuzzer target over the MLLP framing state machine: the input is fed whole, byte by byte, and
// in chunks whose sizes come from the input itself; all three must give the same frames and the
// same fault, and every frame must be written back by mllp_frame to bytes found in the input.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/net/mllp_framing.hpp"

namespace net = gateway::net;

namespace {

struct run {
  std::vector<std::string> frames;
  std::optional<net::mllp_fault> fault;
  bool idle = false;
  std::size_t pending = 0;
  bool operator==(const run&) const = default;
};

template <class Chunks>
run feed(std::string_view text, Chunks next_size) {
  net::mllp_decoder d(4096);
  run out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t n = std::min(next_size(at), text.size() - at);
    out.fault = d.feed(text.substr(at, n), out.frames);
    at += n;
  }
  out.fault = d.fault();
  out.idle = d.idle();
  out.pending = d.pending_bytes();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const run whole = feed(text, [&](std::size_t) { return text.size(); });
  const run bytes = feed(text, [](std::size_t) { return std::size_t{1}; });
  const run chunks =
      feed(text, [&](std::size_t at) { return std::size_t{1} + static_cast<unsigned char>(text[at]) % 97; });
  if (!(whole == bytes) || !(whole == chunks)) std::abort();
  for (const auto& f : whole.frames) {
    if (!net::mllp_payload_ok(f) || text.find(net::mllp_frame(f)) == std::string_view::npos) std::abort();
  }
  return 0;
}
