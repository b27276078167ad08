#pragma once
// Cancels a stream's pending operations without closing it, so a session whose deadline expired
// can still write its answer (HTTP 408, an MLLP negative ACK). A test stream without a socket
// underneath is closed instead.
#include <boost/system/error_code.hpp>

namespace gateway::net {

template <class Stream>
void cancel_pending(Stream& stream) {
  if constexpr (requires { stream.lowest_layer().cancel(); }) {
    boost::system::error_code ignored;
    stream.lowest_layer().cancel(ignored);
  } else {
    stream.close();
  }
}

}  // namespace gateway::net
