#pragma once
// Errors the storage port reports, as an enum with its own error category (model: Beast
// http/error.hpp). gateway/api alone maps them to HTTP (see the table below); the core and the
// adapters only pass them on.

#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>

#include <string>
#include <type_traits>

namespace gateway::core {

enum class store_errc {
  // A unit of work claimed an identifier that is already claimed; nothing of the unit was applied.
  // The failure carries the resource that holds the claim (API: repeat create -> 200 with it).
  identifier_taken = 1,
  // An update or delete named an expected version (If-Match) that is not current (API: 412).
  version_conflict,
  // A create named a type/id that already exists (API: 409).
  already_exists,
  // No such resource, version or outbox item (API: 404).
  not_found,
  // The resource exists but its current version is a delete (API: 410).
  gone,
  // The request itself is unusable: bad cursor, JSON that is not an object, empty type (API: 400).
  invalid_request,
  // The store's queue is over its bound; nothing was applied; try later (API: 429).
  too_busy,
  // Storage failed (disk full, locked, corrupt, I/O, shut down). Nothing was acknowledged that is
  // not durable: a write answered with this may or may not be on disk (API: 503).
  unavailable,
};

namespace detail {
// boost::system::error_category's destructor is protected and non-virtual by design; the category
// object is never deleted through a base pointer.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class store_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "gateway.store"; }

  std::string message(int ev) const override { return message(ev, nullptr, 0); }

  const char* message(int ev, char*, std::size_t) const noexcept override {
    switch (static_cast<store_errc>(ev)) {
      case store_errc::identifier_taken:
        return "identifier already claimed";
      case store_errc::version_conflict:
        return "version conflict";
      case store_errc::already_exists:
        return "resource already exists";
      case store_errc::not_found:
        return "not found";
      case store_errc::gone:
        return "resource deleted";
      case store_errc::invalid_request:
        return "invalid store request";
      case store_errc::too_busy:
        return "store too busy";
      case store_errc::unavailable:
        return "storage unavailable";
    }
    return "unknown store error";
  }
};
#pragma GCC diagnostic pop
}  // namespace detail

// One category object for the whole program (an inline function's static is unique).
inline const boost::system::error_category& store_category() noexcept {
  static const detail::store_category_impl category;
  return category;
}

inline boost::system::error_code make_error_code(store_errc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

}  // namespace gateway::core

template <>
struct boost::system::is_error_code_enum<gateway::core::store_errc> : std::true_type {};
