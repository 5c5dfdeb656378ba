// include/linkgate/mailers.hpp on top of src/mail: a transport per provider, wrapped in the
// same retry policy the server uses.
#include "linkgate/mailers.hpp"

#include <algorithm>

#include "mail/fallback.hpp"
#include "mail/providers.hpp"
#include "mail/retry.hpp"
#include "mail/smtp.hpp"

namespace linkgate {

namespace {

Result<std::shared_ptr<mail::Transport>> make_transport(std::string_view id,
                                                        const MailerOptions& options) {
  const auto total = options.timeout;
  const auto connect = std::min(total, std::chrono::milliseconds(5000));
  if (id == "smtp") {
    return mail::make_smtp_transport(
        mail::SmtpOptions{options.api_url, options.ca_file, connect, total});
  }
  const mail::HttpProviderOptions http{options.api_key, options.api_url, connect, total};
  if (id == "postmark") return mail::make_postmark_transport(http);
  if (id == "forwardemail") return mail::make_forwardemail_transport(http);
  if (id == "resend") return mail::make_resend_transport(http);
  if (id == "sendgrid") return mail::make_sendgrid_transport(http);
  if (id == "mailgun")
    return mail::make_mailgun_transport(mail::MailgunOptions{http, options.region});
  if (id == "loops") {
    return mail::make_loops_transport(mail::LoopsOptions{http, options.transactional_id});
  }
  return Error{"configuration", "unknown email provider \"" + std::string(id) +
                                    "\" (postmark, forwardemail, resend, sendgrid, mailgun, "
                                    "loops or smtp)"};
}

// The embedder's log function (level, text) as the mailers' (level, request id, text).
mail::MailLog without_request_id(std::function<void(LogLevel, const std::string&)> log) {
  if (!log) return {};
  return [log = std::move(log)](LogLevel level, const std::string&, const std::string& text) {
    log(level, text);
  };
}

}  // namespace

Result<std::shared_ptr<Mailer>> make_mailer(std::string_view provider_id,
                                            const MailerOptions& options) {
  if (options.max_tries < 1) return Error{"configuration", "max_tries must be at least 1"};
  auto transport = make_transport(provider_id, options);
  if (!transport) return transport.error();
  mail::RetryPolicy policy;
  policy.max_tries = options.max_tries;
  policy.budget = options.retry_budget;
  policy.base_delay = options.retry_base_delay;
  policy.log = without_request_id(options.log);
  return mail::make_retrying_mailer(std::move(*transport), std::move(policy));
}

std::shared_ptr<Mailer> make_fallback_mailer(
    std::shared_ptr<Mailer> primary, std::shared_ptr<Mailer> fallback,
    std::function<void(LogLevel, const std::string&)> log) {
  return mail::make_fallback_mailer(std::move(primary), std::move(fallback),
                                    without_request_id(std::move(log)));
}

std::shared_ptr<Mailer> make_outbox_mailer(std::shared_ptr<Store> store, std::string provider_id) {
  return mail::make_outbox_mailer(std::move(store), std::move(provider_id));
}

}  // namespace linkgate
