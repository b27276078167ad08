#pragma once
// Answers an access only once its AuditEvent is durable (app/audit_trail.hpp): the record goes
// through the bounded audit path, and when it cannot be stored — the path is full, or storage
// failed — the caller gets 503 + Retry-After instead of the answer, so nothing is disclosed
// without its record.
#include <boost/asio/awaitable.hpp>

#include "gateway/app/audit_trail.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

boost::asio::awaitable<net::http_response> audited(const app::context& ctx, app::caller who, app::request_meta meta,
                                                   app::audited_access access, net::http_response answer);

}  // namespace gateway::api
