#pragma once
// Runs a use case (an app::task, gateway/app/task.hpp) from a route handler's coroutine: the
// task starts on the calling strand, every store answer resumes it on that strand again (a
// posted resume, never on a store thread), and the handler continues with its result.
//
//   app::task<app::result<R>> work = ctx.services->referral_create.create(std::move(command));
//   app::result<R> done = co_await await_use_case(std::move(work));   // a named local first
//
// Thread safety: call from a coroutine running on its connection's strand.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <exception>
#include <optional>
#include <utility>

#include "gateway/app/task.hpp"

namespace gateway::api {

namespace use_case_detail {

// Owns the handler while the use case runs; resumes it on the handler's executor (the strand)
// and completes the handler there. Deletes itself when the use case is done.
template <class T, class Handler>
class strand_runner final : public app::resumer {
 public:
  explicit strand_runner(Handler handler)
      : handler_(std::move(handler)), executor_(boost::asio::get_associated_executor(handler_)) {}

  void resume_later(std::coroutine_handle<> handle) override {
    boost::asio::post(executor_, [handle] { handle.resume(); });
  }

  struct finish {
    strand_runner* self;
    void operator()(std::exception_ptr error, std::optional<T> value) {
      auto executor = self->executor_;
      auto handler = std::move(self->handler_);
      delete self;
      boost::asio::post(executor,
                        boost::beast::bind_front_handler(std::move(handler), std::move(error), std::move(value)));
    }
  };

 private:
  Handler handler_;
  boost::asio::associated_executor_t<Handler> executor_;
};

template <class T>
struct initiation {
  app::task<T> work;
  template <class Handler>
  void operator()(Handler handler) {
    auto* runner = new strand_runner<T, Handler>(std::move(handler));
    app::start(std::move(work), *runner, typename strand_runner<T, Handler>::finish{runner});
  }
};

}  // namespace use_case_detail

template <class T>
boost::asio::awaitable<T> await_use_case(app::task<T> work) {
  use_case_detail::initiation<T> init{std::move(work)};
  std::optional<T> done = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                               void(std::exception_ptr, std::optional<T>)>(
      std::move(init), boost::asio::use_awaitable);
  co_return std::move(*done);
}

}  // namespace gateway::api
