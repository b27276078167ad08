#pragma once
// Operator routes for the outbox, under /ops on the mutual-TLS listener for callers of role
// operator or platform (ops_gate.hpp; issue 10 moved them off the plain operations listener
// because an item's payload names the patient). JSON answers:
//   GET  /outbox?state=pending|dead|delivered&channel=C&after=SEQ&count=N  one page, by seq
//        -> {"items":[...],"next_after":SEQ|null}; an item's next_attempt_at is null when none is
//        planned (not pending, or waiting behind a dead item of its key)
//   GET  /outbox/stats          -> {"pending":N,"dead":N,"oldest_pending_created_at":T|null,...}
//   GET  /outbox/{id}           -> one item, with its payload
//   POST /outbox/{id}/retry     dead (or pending) -> pending, due now, attempts reset
//   POST /outbox/retry-dead     every dead item -> pending -> {"requeued":N}
//   POST /outbox/{id}/park      -> dead ("parked by an operator"), blocking its key
// Errors: {"error":"..."} with 400 (bad query), 404 (no such item), 409 (already delivered),
// 429/503 (store busy/unavailable). The gatewayctl outbox commands are the client.
#include "gateway/api/ops_route_table.hpp"

namespace gateway::core {
class outbox_store;
}

namespace gateway::api {

// `store` must outlive the listener's last request.
void register_outbox_routes(ops_route_table& ops, core::outbox_store& store);

}  // namespace gateway::api
