#pragma once
// The contract between the network layer and whoever answers requests. The network layer knows
// no FHIR: it reads a bounded request, hands it over with the caller's verified certificate
// identity, and writes back whatever the handler answers.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gateway::net {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// One attribute of a certificate's subject or issuer name as encoded, in DER order (least
// specific first: C, O, OU, CN). Attributes of a multi-valued RDN share `rdn`.
struct name_attribute {
  int rdn = 0;
  std::string oid;    // dotted decimal, e.g. "2.5.4.3" for CN
  std::string value;  // UTF-8
  bool text = true;   // false: the value is not a string type and `value` is empty
};

// The client certificate presented and verified during the TLS handshake.
struct peer_identity {
  bool present = false;  // false: no certificate (plain listener, or client_auth=optional)
  std::vector<name_attribute> subject;
  std::vector<name_attribute> issuer;
  std::string sha256;  // lower-case hex of SHA-256 over the DER certificate
};

struct request_context {
  std::string_view listener;  // "https" or "ops"
  const peer_identity* peer = nullptr;
  std::string remote_address;
  // fault_response only: the request line and headers when they were read completely (the body
  // was too large or too slow), so the answer can be shaped for the route it was meant for;
  // nullptr otherwise. Valid during the call.
  const http_request* head = nullptr;
};

// Why a request could not be read completely; the handler shapes the answer.
enum class request_fault {
  header_too_large,  // 431
  body_too_large,    // 413
  timeout,           // 408
  malformed,         // 400
};

// Implementations must be thread-safe: handle() runs concurrently for different connections.
class http_handler {
 public:
  virtual ~http_handler() = default;
  virtual boost::asio::awaitable<http_response> handle(http_request request, request_context context) = 0;
  virtual http_response fault_response(request_fault fault, const request_context& context) = 0;
};

}  // namespace gateway::net
