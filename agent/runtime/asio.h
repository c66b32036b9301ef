#pragma once

// The one way this project includes Boost.Asio. Boost 1.74's awaitable.hpp uses std::exchange without
// including <utility>; GCC 12's standard headers no longer bring it in by accident.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace pyrolog {
namespace asio = boost::asio;
using Executor = asio::any_io_executor;
template <class T = void>
using Awaitable = asio::awaitable<T>;
}  // namespace pyrolog
