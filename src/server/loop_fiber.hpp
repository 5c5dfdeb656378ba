// Store calls on the event loop: a request whose store waits only through io::Waiter (the
// PostgreSQL store) runs on a fiber of the loop thread that read it. While the store waits for its
// socket or a pooled connection the fiber is suspended and the loop serves other connections, so
// such a request costs no hand-off to a worker thread and back.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>

#include "linkgate/http.hpp"

namespace linkgate::server {

// Runs `work` to completion on a new fiber of the calling coroutine's executor, which must be an
// io_context run by one thread: the fiber is resumed only there. A wait inside `work` made through
// io/waiter.hpp suspends the fiber; any other blocking call blocks the loop. An exception that
// escapes `work` becomes a 500.
boost::asio::awaitable<Response> run_on_loop_fiber(std::function<Response()> work);

}  // namespace linkgate::server
