#include "mail/transport.hpp"

#include <utility>

namespace linkgate::mail {

namespace {

// Long enough for any real call; each transport cuts it to its own total timeout.
constexpr std::chrono::milliseconds kNoBudget = std::chrono::hours(1);

class SingleTryMailer final : public Mailer {
 public:
  explicit SingleTryMailer(std::shared_ptr<Transport> transport)
      : transport_(std::move(transport)) {}

  Result<void> send(const EmailMessage& message) override {
    TryOutcome outcome = transport_->try_send(message, kNoBudget);
    if (outcome.ok()) return {};
    return std::move(outcome.failure->error);
  }

  bool waits_on_fibers() const override { return transport_->waits_on_fibers(); }

 private:
  std::shared_ptr<Transport> transport_;
};

}  // namespace

std::shared_ptr<Mailer> make_single_try_mailer(std::shared_ptr<Transport> transport) {
  return std::make_shared<SingleTryMailer>(std::move(transport));
}

TryOutcome permanent_failure(std::string message) {
  return TryOutcome{SendFailure{Error{"mail", std::move(message)}, false, std::nullopt}};
}

}  // namespace linkgate::mail
