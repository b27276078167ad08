#pragma once
// The ownership check on every reference of a referrer's write (core/reference_scope.hpp says
// which references are allowed): each "Type/id" reference that leaves the request is read from
// the store, and a referrer may name it only when it is its own organisation's or one of the
// platform's public resources. A missing resource, another organisation's, and a reference the
// gateway cannot resolve get the same refusal (unprocessable, naming the element), so existence
// never leaks. Create (standalone and bundled) and update call this before anything is planned;
// a batch reaches them entry by entry, and every front door through them.
//
// The platform may name anything (it reads everything); the check is for referrers. For every
// caller, a resource of a type the gateway never stores (core::sender_record_types) is refused,
// so a reference to such a type, which a message from the sender's system may make
// (core::reference_base::sender_system), can never reach a stored resource.
//
// Thread safety: the task runs where its resumer runs it; the documents must outlive it.
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/reference_scope.hpp"

namespace gateway::app {

// At most this many references to stored resources in one write (each is a store read).
inline constexpr std::size_t max_outside_references = 64;

struct referencing_resource {
  const rapidjson::Value* resource = nullptr;
  std::string root;  // how refusals name it: "ServiceRequest", "Bundle.entry[2].resource"
};

// `vouched`: references already known to be the caller's (an update's stored Patient).
task<result<bool>> check_reference_scope(const context* ctx, caller who, std::vector<referencing_resource> resources,
                                         std::vector<std::string> vouched,
                                         core::reference_base base = core::reference_base::gateway);

}  // namespace gateway::app
