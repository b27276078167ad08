#pragma once
// MLLP (HL7 v2 Minimal Lower Layer Protocol, release 2) framing as a state machine without I/O:
// each message travels as 0x0B <message bytes> 0x1C 0x0D. The decoder takes the bytes of a
// connection as they arrive - frames split over many reads, or several frames in one read - and
// hands out whole messages. Line ends (CR, LF) between frames are tolerated; anything else
// outside a frame, a start byte inside a frame, an end byte not followed by CR, or a frame
// longer than the limit is a fault: the decoder stops there and says why, so the driver can
// answer or log the reason and close the connection instead of holding the bytes silently.
//
// Thread safety: none; one decoder per connection, used from its strand.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::net {

inline constexpr char mllp_start_block = '\x0B';
inline constexpr char mllp_end_block = '\x1C';
inline constexpr char mllp_carriage_return = '\x0D';

enum class mllp_fault {
  data_outside_frame,  // bytes other than CR/LF before a start block
  start_inside_frame,  // a second start block before the end block
  bad_end_sequence,    // the end block is not followed by a carriage return
  frame_too_large,     // more payload bytes than the limit, and still no end block
};

// For logs and answers: "data outside an MLLP frame (expected 0x0B)".
std::string_view describe(mllp_fault fault);

class mllp_decoder {
 public:
  explicit mllp_decoder(std::size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

  // Consumes `bytes`; every frame completed by them is appended to `frames` (payload only, in
  // order). Returns the fault when the bytes break the framing; the frames completed before it
  // are still appended. After a fault the decoder consumes nothing more.
  std::optional<mllp_fault> feed(std::string_view bytes, std::vector<std::string>& frames);

  // Between frames with nothing held: a read that ends here loses nothing.
  bool idle() const { return state_ == state::between; }
  // Payload bytes of a frame begun but not finished (what an incomplete frame leaves behind).
  std::size_t pending_bytes() const { return partial_.size(); }
  // The unfinished frame's payload so far (for a fault report; at most max_frame_bytes).
  std::string_view partial() const { return partial_; }
  std::optional<mllp_fault> fault() const { return fault_; }

 private:
  enum class state { between, in_frame, after_end, failed };
  std::optional<mllp_fault> fail(mllp_fault f);

  std::size_t max_frame_bytes_;
  state state_ = state::between;
  std::string partial_;
  std::optional<mllp_fault> fault_;
};

// 0x0B payload 0x1C 0x0D. The payload must not contain 0x0B or 0x1C (check with
// mllp_payload_ok; the ER7 writer escapes both).
std::string mllp_frame(std::string_view payload);
bool mllp_payload_ok(std::string_view payload);

}  // namespace gateway::net
