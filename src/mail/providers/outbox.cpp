// The development outbox (SPEC P3): keeps each message in the store, where /dev/outbox shows
// it. Nothing leaves the machine.
#include <chrono>
#include <utility>

#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

class OutboxMailer final : public Mailer {
 public:
  OutboxMailer(std::shared_ptr<Store> store, std::string provider_id)
      : store_(std::move(store)), provider_id_(std::move(provider_id)) {}

  Result<void> send(const EmailMessage& message) override {
    if (!store_) return Error{"mail", "outbox: no store configured"};
    OutboxMessage stored;
    stored.created_at = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
    stored.to = message.to;
    stored.from = message.from;
    stored.subject = message.subject;
    stored.text = message.text;
    stored.html = message.html;
    stored.url = message.url;
    stored.provider = provider_id_;
    auto added = store_->add_outbox_message(stored);
    // The store's error never carries the message content, so it can be passed on as is.
    if (!added) return Error{"mail", "outbox: " + added.error().message};
    return {};
  }

  // Its one wait is the store's.
  bool waits_on_fibers() const override { return store_ && store_->waits_on_fibers(); }

 private:
  std::shared_ptr<Store> store_;
  std::string provider_id_;
};

}  // namespace

std::shared_ptr<Mailer> make_outbox_mailer(std::shared_ptr<Store> store, std::string provider_id) {
  return std::make_shared<OutboxMailer>(std::move(store), std::move(provider_id));
}

}  // namespace linkgate::mail
