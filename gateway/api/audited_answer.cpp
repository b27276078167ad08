#include "gateway/api/audited_answer.hpp"

#include <functional>

#include "gateway/api/fhir_response.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::api {

boost::asio::awaitable<net::http_response> audited(const app::context& ctx, app::caller who, app::request_meta meta,
                                                   app::audited_access access, net::http_response answer) {
  auto record = std::bind_front(&app::record_access, std::cref(ctx), std::move(who), meta, std::move(access));
  const core::commit_outcome stored = co_await await_store<core::commit_outcome>(std::move(record));
  if (stored) co_return answer;
  telemetry::warn("access refused: its audit record could not be stored",
                  {{"request_id", meta.request_id}, {"error", stored.error().code.message()}});
  co_return refusal_response(app::audit_refusal(stored.error()));
}

}  // namespace gateway::api
