#include <openssl/rand.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "gateway/api/fhir_api.hpp"

namespace gateway::api {

std::string request_id_for(std::string_view client_value) {
  const bool usable = !client_value.empty() && client_value.size() <= 128 &&
                      client_value.find_first_not_of(
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789._:-") == std::string_view::npos;
  if (usable) return std::string(client_value);
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

}  // namespace gateway::api
