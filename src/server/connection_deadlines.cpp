#include "server/connection_deadlines.hpp"

namespace linkgate::server {

ConnectionDeadlines::ConnectionDeadlines(boost::asio::io_context& io, Clock::duration tick)
    : timer_(io), tick_(tick) {}

ConnectionDeadlines::Slot::Slot(ConnectionDeadlines& owner, boost::asio::ip::tcp::socket& socket)
    : registry_(owner.slots_), socket_(socket) {
  registry_->insert(this);
  // The timer runs only while there are connections: an idle server does not wake up.
  if (!owner.ticking_) owner.start_ticking();
}

ConnectionDeadlines::Slot::~Slot() {
  registry_->erase(this);
}

void ConnectionDeadlines::Slot::expires_after(Clock::duration timeout) {
  deadline_ = Clock::now() + timeout;
}

void ConnectionDeadlines::Slot::expires_never() {
  deadline_ = Clock::time_point::max();
}

void ConnectionDeadlines::start_ticking() {
  ticking_ = true;
  timer_.expires_after(tick_);
  timer_.async_wait([this](boost::system::error_code error) {
    // Cancelled (the timer is being destroyed, or its io_context stopped): `this` may be gone.
    if (error) return;
    ticking_ = false;
    check(Clock::now());
  });
}

void ConnectionDeadlines::check(Clock::time_point now) {
  // Cancelling only posts the operations' completions, so no Slot leaves the set meanwhile.
  for (Slot* slot : *slots_) {
    if (slot->deadline_ > now) continue;
    slot->deadline_ = Clock::time_point::max();
    slot->expired_ = true;
    boost::system::error_code ignored;
    slot->socket_.cancel(ignored);
  }
  if (!slots_->empty()) start_ticking();
}

}  // namespace linkgate::server
