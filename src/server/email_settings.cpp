#include "server/email_settings.hpp"

#include <algorithm>

#include "mail/address.hpp"
#include "mail/smtp.hpp"
#include "server/setting_table.hpp"

namespace linkgate::server {

namespace {

Error configuration(std::string message) {
  return Error{"configuration", std::move(message)};
}

struct Known {
  const char* id;
  const char* name;
  const char* prefix;  // AUTH_<ID>
};

constexpr Known kHttpProviders[] = {
    {"postmark", "Postmark", "AUTH_POSTMARK"},
    {"forwardemail", "Forward Email", "AUTH_FORWARDEMAIL"},
    {"resend", "Resend", "AUTH_RESEND"},
    {"sendgrid", "SendGrid", "AUTH_SENDGRID"},
    {"mailgun", "Mailgun", "AUTH_MAILGUN"},
    {"loops", "Loops", "AUTH_LOOPS"},
};

}  // namespace

Result<EmailSettings> read_email_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env,
    const std::string& from) {
  EmailSettings s;
  for (const Known& k : kHttpProviders) {
    const std::string prefix = k.prefix;
    auto key = env(prefix + "_KEY");
    if (!key) continue;
    EmailProviderSettings p{k.id, k.name, *key, env(prefix + "_API_URL").value_or(""), "", "", ""};
    if (p.id == "mailgun") {
      auto region = setting_text(env, "AUTH_MAILGUN_REGION");
      if (!region) return region.error();
      p.region = *region;
    }
    if (p.id == "loops") {
      p.transactional_id = env("AUTH_LOOPS_TRANSACTIONAL_ID").value_or("");
      if (p.transactional_id.empty()) {
        return configuration(
            "AUTH_LOOPS_KEY is set but AUTH_LOOPS_TRANSACTIONAL_ID is not: Loops sends a "
            "transactional email made in Loops, with a `url` data variable");
      }
    }
    s.providers.push_back(std::move(p));
  }
  // The app's own receiver (server/hook_settings.hpp checks the URL and its secret).
  if (auto url = env("LINKGATE_HOOK_SEND_EMAIL_URL")) {
    s.providers.push_back({"webhook", "Email", "", *url, "", "", ""});
  }
  if (auto server = env("EMAIL_SERVER")) {
    if (auto parsed = mail::parse_smtp_url(*server); !parsed) return parsed.error();
    s.providers.push_back(
        {"smtp", "Email", "", *server, "", "", env("LINKGATE_SMTP_CA_FILE").value_or("")});
  }
  for (const auto& p : s.providers) {
    if (p.id != "sendgrid" && p.id != "mailgun" && p.id != "smtp") continue;
    if (auto mailbox = mail::parse_mailbox(from); !mailbox) {
      return configuration("EMAIL_FROM must be an address or \"Name <address>\" for " + p.name +
                           ": " + mailbox.error().message);
    }
  }

  s.fallback = env("LINKGATE_EMAIL_FALLBACK").value_or("");
  if (!s.fallback.empty()) {
    const bool configured = std::any_of(s.providers.begin(), s.providers.end(),
                                        [&](const auto& p) { return p.id == s.fallback; });
    if (!configured) {
      return configuration("LINKGATE_EMAIL_FALLBACK names " + s.fallback +
                           ", which is not configured (set its AUTH_<ID>_KEY or EMAIL_SERVER)");
    }
    if (s.providers.size() < 2) {
      return configuration("LINKGATE_EMAIL_FALLBACK needs another provider to fall back from");
    }
  }
  auto tries = setting_integer(env, "LINKGATE_EMAIL_RETRY_MAX_TRIES");
  if (!tries) return tries.error();
  s.retry_max_tries = static_cast<int>(*tries);
  auto budget = setting_integer(env, "LINKGATE_EMAIL_RETRY_BUDGET_MS");
  if (!budget) return budget.error();
  s.retry_budget = std::chrono::milliseconds(*budget);
  auto base = setting_integer(env, "LINKGATE_EMAIL_RETRY_BASE_MS");
  if (!base) return base.error();
  s.retry_base_delay = std::chrono::milliseconds(*base);
  return s;
}

}  // namespace linkgate::server
