#pragma once
#include <openssl/ssl.h>

#include "gateway/net/http_handler.hpp"

namespace gateway::net {

// The verified client certificate of a completed handshake (present=false when none was sent).
peer_identity read_peer_identity(SSL* ssl);

}  // namespace gateway::net
