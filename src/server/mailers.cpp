#include "server/mailers.hpp"

#include <algorithm>
#include <memory>

#include "mail/fallback.hpp"
#include "mail/providers.hpp"
#include "mail/retry.hpp"
#include "mail/smtp.hpp"
#include "server/send_email_hook.hpp"

namespace linkgate::server {

namespace {

Result<std::shared_ptr<mail::Transport>> make_transport(const EmailProviderSettings& p,
                                                        const Settings& settings) {
  // Each try is bounded by LINKGATE_PROVIDER_TIMEOUT_MS (and the retry budget left).
  const auto total = settings.provider_timeout;
  const auto connect = std::min(total, std::chrono::milliseconds(5000));
  if (p.id == "smtp") {
    return mail::make_smtp_transport(mail::SmtpOptions{p.api_url, p.ca_file, connect, total});
  }
  if (p.id == "webhook") {
    return make_send_email_hook_transport(
        SendEmailHookOptions{p.api_url, settings.hooks.keys, connect, total});
  }
  const mail::HttpProviderOptions http{p.api_key, p.api_url, connect, total};
  if (p.id == "postmark") return mail::make_postmark_transport(http);
  if (p.id == "forwardemail") return mail::make_forwardemail_transport(http);
  if (p.id == "resend") return mail::make_resend_transport(http);
  if (p.id == "sendgrid") return mail::make_sendgrid_transport(http);
  if (p.id == "mailgun") return mail::make_mailgun_transport(mail::MailgunOptions{http, p.region});
  if (p.id == "loops") {
    return mail::make_loops_transport(mail::LoopsOptions{http, p.transactional_id});
  }
  return Error{"configuration", "unknown email provider " + p.id};
}

}  // namespace

Result<std::vector<EmailProvider>> build_email_providers(
    const Settings& settings, mail::MailLog log,
    std::function<void(const std::string& provider)> on_retry) {
  const EmailSettings& email = settings.email;
  mail::RetryPolicy policy;
  policy.max_tries = email.retry_max_tries;
  policy.budget = email.retry_budget;
  policy.base_delay = email.retry_base_delay;
  policy.log = log;
  policy.on_retry = std::move(on_retry);

  std::shared_ptr<Mailer> fallback;
  if (!email.fallback.empty()) {
    for (const auto& p : email.providers) {
      if (p.id != email.fallback) continue;
      auto transport = make_transport(p, settings);
      if (!transport) return transport.error();
      fallback = mail::make_retrying_mailer(*transport, policy);
    }
  }

  std::vector<EmailProvider> providers;
  for (const auto& p : email.providers) {
    if (p.id == email.fallback) continue;  // a backup, not a sign-in choice
    auto transport = make_transport(p, settings);
    if (!transport) return transport.error();
    EmailProvider provider;
    provider.id = p.id;
    provider.name = p.name;
    provider.from = settings.email_from;
    provider.max_age = settings.token_max_age;
    provider.mailer = mail::make_retrying_mailer(*transport, policy);
    if (fallback) provider.mailer = mail::make_fallback_mailer(provider.mailer, fallback, log);
    providers.push_back(std::move(provider));
  }
  return providers;
}

}  // namespace linkgate::server
