#include "gateway/app/time_ordered_uuid.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace gateway::app {
namespace {

// Random bytes are taken from OpenSSL a block at a time: one RAND_bytes call (a lock and a DRBG
// round in OpenSSL 3) per 25 ids instead of one per id. Each thread has its own block.
class random_block {
 public:
  void take(unsigned char* out, std::size_t n) {
    if (used_ + n > bytes_.size()) refill();
    std::memcpy(out, bytes_.data() + used_, n);
    used_ += n;
  }

 private:
  void refill() {
    if (RAND_bytes(bytes_.data(), static_cast<int>(bytes_.size())) != 1)
      throw std::runtime_error("OpenSSL RAND_bytes failed");
    used_ = 0;
  }

  std::array<unsigned char, 250> bytes_{};
  std::size_t used_ = 250;
};

}  // namespace

std::string format_uuid_v7(std::uint64_t unix_ms, const unsigned char (&random)[10]) {
  unsigned char b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(unix_ms >> (8 * (5 - i)));
  std::memcpy(b + 6, random, 10);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70);  // version 7
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(36, '-');
  std::size_t at = 0;
  for (int i = 0; i < 16; ++i) {
    if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
    out[at++] = hex[b[i] >> 4];
    out[at++] = hex[b[i] & 0x0f];
  }
  return out;
}

std::string time_ordered_uuid() {
  thread_local random_block block;
  unsigned char random[10];
  block.take(random, sizeof random);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  return format_uuid_v7(static_cast<std::uint64_t>(ms), random);
}

}  // namespace gateway::app
