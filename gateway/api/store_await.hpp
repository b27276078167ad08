#pragma once
// Bridges the storage port's completion callbacks (run on the store's threads) to coroutines:
// the result is posted back to the awaiting coroutine's executor (its connection strand), so
// handler code never runs on a store thread and I/O threads never block on storage.
//
//   auto op = std::bind_front(&core::store::read, &store, type, id);   // a named local first:
//   core::read_outcome r = co_await await_store<core::read_outcome>(std::move(op));
//
// (Build the operation in its own statement: g++ 12 mishandles temporaries with non-trivial
// destructors inside a co_await expression.)
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <utility>

#include "gateway/core/store_callback.hpp"

namespace gateway::api {

namespace store_await_detail {

template <class T, class Handler>
struct post_to_handler {
  Handler handler;
  void operator()(T value) {
    auto executor = boost::asio::get_associated_executor(handler);
    boost::asio::post(executor, boost::beast::bind_front_handler(std::move(handler), std::move(value)));
  }
};

template <class T, class Start>
struct initiation {
  Start start;
  template <class Handler>
  void operator()(Handler handler) {
    std::move(start)(core::store_callback<T>(post_to_handler<T, Handler>{std::move(handler)}));
  }
};

}  // namespace store_await_detail

// `start` is called with a core::store_callback<T>; the coroutine resumes with its T.
template <class T, class Start>
boost::asio::awaitable<T> await_store(Start start) {
  store_await_detail::initiation<T, Start> init{std::move(start)};
  T result = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(T)>(
      std::move(init), boost::asio::use_awaitable);
  co_return result;
}

}  // namespace gateway::api
