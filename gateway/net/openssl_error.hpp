#pragma once
// Why an OpenSSL call failed, in words fit for a start-up message: the reason at the head of
// OpenSSL's error queue for this thread (else `ec`'s own message). Clears the queue, so the next
// failure on this thread is not blamed on an old one.
#include <boost/system/error_code.hpp>

#include <string>

namespace gateway::net {

std::string openssl_error_text(const boost::system::error_code& ec);

}  // namespace gateway::net
