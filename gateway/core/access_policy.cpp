#include "gateway/core/access_policy.hpp"

namespace gateway::core {

std::string_view to_string(caller_role r) {
  switch (r) {
    case caller_role::platform:
      return "platform";
    case caller_role::operator_:
      return "operator";
    case caller_role::referrer:
      break;
  }
  return "referrer";
}

std::string_view to_string(access_decision d) {
  switch (d) {
    case access_decision::allow:
      return "allow";
    case access_decision::forbidden:
      return "forbidden";
    case access_decision::not_found:
      return "not-found";
  }
  return "forbidden";
}

std::string_view to_string(access_action a) {
  switch (a) {
    case access_action::create_referral:
      return "create-referral";
    case access_action::read:
      return "read";
    case access_action::update_referral:
      return "update-referral";
    case access_action::change_task:
      return "change-task";
    case access_action::post_outcome:
      return "post-outcome";
    case access_action::read_audit:
      return "read-audit";
  }
  return "unknown";
}

access_decision decide(const caller& who, access_action what, std::string_view organisation) {
  if (who.role == caller_role::operator_) return access_decision::forbidden;
  const bool platform = who.role == caller_role::platform;
  // An empty organisation never matches: a referrer without one (misconfiguration) owns nothing.
  const bool own = !platform && !who.organisation.empty() && who.organisation == organisation;
  switch (what) {
    case access_action::create_referral:
      return own ? access_decision::allow : access_decision::forbidden;
    case access_action::read:
      return platform || own ? access_decision::allow : access_decision::not_found;
    case access_action::update_referral:
      if (platform) return access_decision::forbidden;
      return own ? access_decision::allow : access_decision::not_found;
    case access_action::change_task:
    case access_action::post_outcome:
      if (platform) return access_decision::allow;
      return own ? access_decision::forbidden : access_decision::not_found;
    case access_action::read_audit:
      return platform ? access_decision::allow : access_decision::forbidden;
  }
  return access_decision::forbidden;  // unreachable; deny by default
}

std::optional<std::string> search_scope(const caller& who) {
  if (who.role == caller_role::platform) return std::nullopt;
  return who.organisation;
}

}  // namespace gateway::core
