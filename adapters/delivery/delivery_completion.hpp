#pragma once
// Completes a delivery_port::deliver() call whose attempt runs as a coroutine: hands the
// coroutine's result - or an unexpected exception, as a transient failure - to the dispatcher's
// callback exactly once. Use as the completion token of co_spawn. Shared by every sender that
// runs its attempt as a coroutine.
//
// Thread safety: called once, on the coroutine's executor.
#include <exception>
#include <string>
#include <utility>

#include "gateway/core/delivery_port.hpp"

namespace gateway::delivery {

struct delivery_completion {
  core::store_callback<core::delivery_result> done;

  void operator()(std::exception_ptr error, core::delivery_result result) {
    if (error) {
      result = core::delivery_result{};
      result.what = core::delivery_result::kind::transient_failure;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        result.detail = std::string("internal error: ") + e.what();
      } catch (...) {
        result.detail = "internal error";
      }
    }
    done(std::move(result));
  }
};

}  // namespace gateway::delivery
