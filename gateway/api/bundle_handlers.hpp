#pragma once
// The two kinds of Bundle that POST / takes (bundle_route.hpp), each answered by a coroutine
// that the route's handler co_awaits at once (so the references outlive it).
#include <rapidjson/document.h>
#include <boost/asio/awaitable.hpp>

#include "gateway/api/api_request.hpp"
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

// A referral with its resources, validated and stored all or nothing; transaction-response.
boost::asio::awaitable<net::http_response> answer_transaction(const app_context& ctx, const api_request& request,
                                                              const rapidjson::Value& bundle);

// Each entry on its own (POST ServiceRequest, GET reads and searches) through `routes`, with its
// own AuditEvent (the batch itself has none beside its entries' unless it has no entry);
// batch-response with a status per entry.
boost::asio::awaitable<net::http_response> answer_batch(const app_context& ctx, const route_table& routes,
                                                        const api_request& request, const rapidjson::Value& bundle);

}  // namespace gateway::api
