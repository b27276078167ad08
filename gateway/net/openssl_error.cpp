#include "gateway/net/openssl_error.hpp"

#include <openssl/err.h>

namespace gateway::net {

std::string openssl_error_text(const boost::system::error_code& ec) {
  std::string text = ec.message();
  if (const unsigned long err = ERR_get_error(); err != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    text = buf;
  }
  ERR_clear_error();
  return text;
}

}  // namespace gateway::net
