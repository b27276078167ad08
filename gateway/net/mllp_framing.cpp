#include "gateway/net/mllp_framing.hpp"

namespace gateway::net {

std::string_view describe(mllp_fault fault) {
  switch (fault) {
    case mllp_fault::data_outside_frame:
      return "data outside an MLLP frame (expected the start block 0x0B)";
    case mllp_fault::start_inside_frame:
      return "a start block 0x0B inside an MLLP frame (end block 0x1C missing)";
    case mllp_fault::bad_end_sequence:
      return "the MLLP end block 0x1C is not followed by a carriage return 0x0D";
    case mllp_fault::frame_too_large:
      return "the MLLP frame is larger than the limit";
  }
  return "malformed MLLP frame";
}

std::optional<mllp_fault> mllp_decoder::fail(mllp_fault f) {
  state_ = state::failed;
  fault_ = f;
  return f;
}

std::optional<mllp_fault> mllp_decoder::feed(std::string_view bytes, std::vector<std::string>& frames) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    switch (state_) {
      case state::failed:
        return fault_;
      case state::between: {
        const char c = bytes[i++];
        if (c == mllp_start_block) {
          state_ = state::in_frame;
        } else if (c != '\r' && c != '\n') {
          return fail(mllp_fault::data_outside_frame);
        }
        break;
      }
      case state::in_frame: {
        // Copy up to the next control byte in one go.
        std::size_t stop = i;
        while (stop < bytes.size() && bytes[stop] != mllp_end_block && bytes[stop] != mllp_start_block) ++stop;
        const std::size_t room = max_frame_bytes_ - partial_.size();
        if (stop - i > room) {
          partial_.append(bytes.substr(i, room));
          return fail(mllp_fault::frame_too_large);
        }
        partial_.append(bytes.substr(i, stop - i));
        i = stop;
        if (i == bytes.size()) break;
        if (bytes[i] == mllp_start_block) return fail(mllp_fault::start_inside_frame);
        ++i;  // the end block
        state_ = state::after_end;
        break;
      }
      case state::after_end:
        if (bytes[i++] != mllp_carriage_return) return fail(mllp_fault::bad_end_sequence);
        frames.push_back(std::move(partial_));
        partial_.clear();
        state_ = state::between;
        break;
    }
  }
  return state_ == state::failed ? fault_ : std::nullopt;
}

std::string mllp_frame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 3);
  out += mllp_start_block;
  out.append(payload);
  out += mllp_end_block;
  out += mllp_carriage_return;
  return out;
}

bool mllp_payload_ok(std::string_view payload) {
  return payload.find(mllp_start_block) == std::string_view::npos &&
         payload.find(mllp_end_block) == std::string_view::npos;
}

}  // namespace gateway::net
