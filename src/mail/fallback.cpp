#include "mail/fallback.hpp"

#include <utility>

namespace linkgate::mail {

namespace {

class FallbackMailer final : public Mailer {
 public:
  FallbackMailer(std::shared_ptr<Mailer> primary, std::shared_ptr<Mailer> fallback, MailLog log)
      : primary_(std::move(primary)), fallback_(std::move(fallback)), log_(std::move(log)) {}

  Result<void> send(const EmailMessage& message) override {
    auto first = primary_->send(message);
    if (first) return {};
    if (log_) {
      log_(LogLevel::warn, message.request_id,
           "email: " + first.error().message + "; trying the fallback");
    }
    auto second = fallback_->send(message);
    if (second) {
      if (log_) {
        log_(LogLevel::info, message.request_id,
             "email: the fallback provider accepted the message");
      }
      return {};
    }
    return Error{"mail", first.error().message + "; fallback: " + second.error().message};
  }

  bool waits_on_fibers() const override {
    return primary_->waits_on_fibers() && fallback_->waits_on_fibers();
  }

 private:
  std::shared_ptr<Mailer> primary_;
  std::shared_ptr<Mailer> fallback_;
  MailLog log_;
};

}  // namespace

std::shared_ptr<Mailer> make_fallback_mailer(std::shared_ptr<Mailer> primary,
                                             std::shared_ptr<Mailer> fallback, MailLog log) {
  return std::make_shared<FallbackMailer>(std::move(primary), std::move(fallback), std::move(log));
}

}  // namespace linkgate::mail
