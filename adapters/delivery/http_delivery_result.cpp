#include "adapters/delivery/http_delivery_result.hpp"

#include "adapters/delivery/retry_after.hpp"

namespace gateway::delivery {

core::delivery_result to_delivery_result(const net::client_result& result, std::chrono::system_clock::time_point now) {
  using kind = core::delivery_result::kind;
  core::delivery_result out;
  if (const auto* response = std::get_if<net::client_response>(&result)) {
    out.what = kind::http_response;
    out.http_status = response->status;
    if (const auto field = response->header("Retry-After")) out.retry_after = parse_retry_after(*field, now);
    return out;
  }
  const auto& failure = std::get<net::transport_failure>(result);
  out.detail = failure.detail;
  switch (failure.what) {
    case net::transport_failure::kind::timeout:
      out.what = kind::timeout;
      break;
    case net::transport_failure::kind::connection_refused:
      out.what = kind::connection_refused;
      break;
    case net::transport_failure::kind::connection_lost:
      out.what = kind::connection_lost;
      break;
    case net::transport_failure::kind::tls_failure:
      out.what = kind::tls_failure;
      break;
    case net::transport_failure::kind::resolve_failure:
      out.what = kind::transient_failure;
      break;
    case net::transport_failure::kind::protocol_error:
    case net::transport_failure::kind::setup_failure:
      out.what = kind::transient_failure;
      out.detail = std::string(net::to_string(failure.what)) + ": " + failure.detail;
      break;
  }
  return out;
}

}  // namespace gateway::delivery
