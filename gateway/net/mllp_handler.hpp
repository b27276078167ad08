#pragma once
// The contract between an MLLP listener (net::server, listener_spec::mllp) and whoever answers HL7 v2
// messages. The network layer knows no HL7: it hands over each framed message with the caller's
// verified certificate (when TLS is on) and the source address, and frames whatever comes back.
#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

namespace gateway::net {

struct peer_identity;

struct mllp_context {
  std::string_view listener;            // "mllp"
  const peer_identity* peer = nullptr;  // the verified client certificate; absent (present=false) without TLS
  std::string remote_address;
};

struct mllp_answer {
  std::string message;       // unframed; empty: nothing is sent
  bool close_after = false;  // close the connection once it is written
};

// Implementations must be thread-safe: calls run concurrently for different connections, and one
// at a time, in arrival order, for each connection.
class mllp_handler {
 public:
  virtual ~mllp_handler() = default;

  // One message (a frame's payload). The answer is written only when this completes, so an ACK
  // can wait for the commit.
  virtual boost::asio::awaitable<mllp_answer> handle(std::string message, mllp_context context) = 0;

  // A frame that cannot be read: `reason` says why (cut off, too large, bytes outside a frame, no
  // end within the read timeout); `partial` is what arrived of it. Returns the answer to send
  // before the connection is closed; empty when there is nothing sensible to answer.
  virtual std::string malformed(std::string_view reason, std::string_view partial, const mllp_context& context) = 0;
};

}  // namespace gateway::net
