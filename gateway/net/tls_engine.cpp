#include "gateway/net/tls_engine.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace gateway::net {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// The write side: a BIO that appends every record OpenSSL makes to the engine's output string.
// It never blocks, so SSL_write always takes everything it is given.
int output_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  static_cast<std::string*>(BIO_get_data(bio))->append(data, size);
  *written = size;
  return 1;
}

long output_ctrl(BIO*, int cmd, long, void*) {
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

int output_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* output_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rg-tls-output");
    if (m == nullptr) return m;
    BIO_meth_set_write_ex(m, output_write);
    BIO_meth_set_ctrl(m, output_ctrl);
    BIO_meth_set_create(m, output_create);
    return m;
  }();
  return method;
}

// Small buffers are copied here so that they leave as one record (SSL_write copies the data before
// returning, so one scratch per thread is enough).
constexpr std::size_t coalesce_bytes = 16 * 1024;
thread_local unsigned char coalesce_scratch[coalesce_bytes];

error_code truncated() {
  return asio::ssl::error::stream_truncated;
}

}  // namespace

tls_engine::tls_engine(SSL_CTX* ctx, int fd, role r) {
  ssl_ = SSL_new(ctx);
  BIO* in = BIO_new_socket(fd, BIO_NOCLOSE);
  const BIO_METHOD* method = output_method();
  BIO* out = method == nullptr ? nullptr : BIO_new(method);
  if (ssl_ == nullptr || in == nullptr || out == nullptr) {
    BIO_free(in);
    BIO_free(out);
    SSL_free(ssl_);
    ERR_clear_error();
    throw std::bad_alloc();
  }
  BIO_set_data(out, &output_);
  SSL_set_bio(ssl_, in, out);  // the SSL object owns both from here
  SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Read as much as the socket has in one system call instead of a record header, then its body.
  SSL_set_read_ahead(ssl_, 1);
  if (r == role::server)
    SSL_set_accept_state(ssl_);
  else
    SSL_set_connect_state(ssl_);
}

tls_engine::~tls_engine() {
  SSL_free(ssl_);
}

void tls_engine::output_sent() {
  std::string().swap(output_);
}

tls_engine::step tls_engine::result_of(int ret, std::size_t bytes) {
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_NONE:
      return {false, {}, bytes};
    case SSL_ERROR_WANT_READ:
      return {true, {}, 0};
    case SSL_ERROR_ZERO_RETURN:
      return {false, asio::error::eof, 0};
    case SSL_ERROR_SYSCALL: {
      if (const unsigned long e = ERR_get_error(); e != 0) {
        ERR_clear_error();
        return {false, error_code(static_cast<int>(e), asio::error::get_ssl_category()), 0};
      }
      if (saved_errno != 0) return {false, error_code(saved_errno, boost::system::system_category()), 0};
      return {false, truncated(), 0};
    }
    case SSL_ERROR_SSL: {
      const unsigned long e = ERR_get_error();
      ERR_clear_error();
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return {false, truncated(), 0};
      return {false, error_code(static_cast<int>(e), asio::error::get_ssl_category()), 0};
    }
    default:  // WANT_WRITE cannot happen (the output BIO never blocks); the rest are not used here
      ERR_clear_error();
      return {false, asio::error::operation_not_supported, 0};
  }
}

tls_engine::step tls_engine::handshake() {
  ERR_clear_error();
  errno = 0;
  return result_of(SSL_do_handshake(ssl_), 0);
}

tls_engine::step tls_engine::read(void* data, std::size_t size) {
  if (size == 0) return {};
  ERR_clear_error();
  errno = 0;
  std::size_t got = 0;
  const int ret = SSL_read_ex(ssl_, data, size, &got);
  return result_of(ret, got);
}

tls_engine::step tls_engine::write(const asio::const_buffer* buffers, std::size_t count) {
  std::size_t taken = 0;
  std::size_t i = 0;
  while (i < count && taken < max_write_bytes) {
    if (buffers[i].size() == 0) {
      ++i;
      continue;
    }
    // Consecutive buffers that fit together in one record are copied and written as one.
    std::size_t end = i, together = 0;
    while (end < count && together + buffers[end].size() <= coalesce_bytes &&
           taken + together + buffers[end].size() <= max_write_bytes) {
      together += buffers[end].size();
      ++end;
    }
    const void* data = nullptr;
    std::size_t size = 0;
    if (end - i >= 2) {
      std::size_t at = 0;
      for (std::size_t k = i; k < end; ++k) {
        std::memcpy(coalesce_scratch + at, buffers[k].data(), buffers[k].size());
        at += buffers[k].size();
      }
      data = coalesce_scratch;
      size = together;
    } else {
      end = i + 1;
      data = buffers[i].data();
      size = std::min(buffers[i].size(), max_write_bytes - taken);
    }
    ERR_clear_error();
    errno = 0;
    std::size_t written = 0;
    const int ret = SSL_write_ex(ssl_, data, size, &written);
    if (ret != 1) {
      // What was taken before stands; the error (or the wait) comes with the next call.
      if (taken > 0) {
        ERR_clear_error();
        return {false, {}, taken};
      }
      return result_of(ret, 0);
    }
    taken += written;
    if (written < size) break;                            // not expected: the output BIO takes all
    if (end - i == 1 && size < buffers[i].size()) break;  // this call's share is used up
    i = end;
  }
  return {false, {}, taken};
}

tls_engine::step tls_engine::shutdown() {
  ERR_clear_error();
  errno = 0;
  const int ret = SSL_shutdown(ssl_);
  if (ret >= 0) return {};  // 0: our close_notify is out; the peer's is not awaited
  return result_of(ret, 0);
}

tls_engine::step tls_engine::poll_readable() {
  if (SSL_has_pending(ssl_) == 1) return {};
  return {true, {}, 0};
}

}  // namespace gateway::net
