#include "server/mail_metrics.hpp"

namespace linkgate::server {

namespace {

class CountedMailer final : public Mailer {
 public:
  CountedMailer(std::shared_ptr<Mailer> inner, metrics::Counter sent, metrics::Counter failed)
      : inner_(std::move(inner)), sent_(sent), failed_(failed) {}

  Result<void> send(const EmailMessage& message) override {
    auto sent = inner_->send(message);
    (sent ? sent_ : failed_).add();
    return sent;
  }

  bool waits_on_fibers() const override { return inner_->waits_on_fibers(); }

 private:
  std::shared_ptr<Mailer> inner_;
  metrics::Counter sent_;
  metrics::Counter failed_;
};

}  // namespace

void MailMetrics::add_provider(const std::string& provider) {
  if (providers_.count(provider)) return;
  constexpr std::string_view kEmails = "linkgate_emails_total";
  constexpr std::string_view kEmailsHelp =
      "Sign-in emails handed to a provider, by provider and outcome (after any retries).";
  Series series;
  series.sent =
      registry_.counter(kEmails, kEmailsHelp, {{"provider", provider}, {"outcome", "sent"}});
  series.failed =
      registry_.counter(kEmails, kEmailsHelp, {{"provider", provider}, {"outcome", "failed"}});
  series.retries = registry_.counter("linkgate_email_retries_total",
                                     "Tries of a provider that failed and were tried again.",
                                     {{"provider", provider}});
  providers_.emplace(provider, series);
}

std::shared_ptr<Mailer> MailMetrics::counted(const std::string& provider,
                                             std::shared_ptr<Mailer> mailer) {
  add_provider(provider);
  const Series& series = providers_.at(provider);
  return std::make_shared<CountedMailer>(std::move(mailer), series.sent, series.failed);
}

void MailMetrics::retried(const std::string& provider) const {
  if (auto it = providers_.find(provider); it != providers_.end()) it->second.retries.add();
}

}  // namespace linkgate::server
