#pragma once
// Answers an access only once its AuditEvent is durable (app/audit_trail.hpp): the record goes
// through the bounded audit path, and when it cannot be stored — the path is full, or storage
// failed — the caller gets 503 + Retry-After instead of the answer, so nothing is disclosed
// without its record.
//
// Each access leaves exactly one record. A route that knows more (a read's resource, a search's
// answers) records it itself, a write's record commits in the write's unit, and a use case records
// the accesses it decides (a refusal for another's resource, a repeat); each of these marks the
// request (app::audit_mark). Whatever answer is left unmarked — a write refused for its content,
// a $validate, /metadata, a refusal before any handler ran — gets the catch-all record here,
// described from the route and the answer's status (answer_access).
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/route.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

// Records an access before it is served (a state change on /ops): nullopt once the record is
// durable, else the 503 to answer instead — and then nothing may be done.
boost::asio::awaitable<std::optional<net::http_response>> record_or_refuse(const app::context& ctx, app::caller who,
                                                                           app::request_meta meta,
                                                                           app::audited_access access);

boost::asio::awaitable<net::http_response> audited(const app::context& ctx, app::caller who, app::request_meta meta,
                                                   app::audited_access access, net::http_response answer);

// The catch-all record of an answer: the action by the route's interaction (or the method when no
// route matched), the entity when the route's path names one resource, failure from 400 up
// (serious from 500), and for a failure the method, route and status.
app::audited_access answer_access(boost::beast::http::verb method, const route* matched,
                                  const std::vector<std::string>& params, std::string_view route_name, unsigned status);

}  // namespace gateway::api
