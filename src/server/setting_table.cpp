#include "server/setting_table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include <boost/url/parse.hpp>

#include "core/client_ip.hpp"
#include "core/sign_in_policy.hpp"
#include "mail/smtp.hpp"
#include "server/abuse_settings.hpp"
#include "server/metrics_address.hpp"
#include "server/webhook_settings.hpp"

extern char** environ;

namespace linkgate::server {

namespace {

std::optional<std::string> check_auth_url(const std::string& value) {
  auto url = boost::urls::parse_absolute_uri(value);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || !url->has_authority() ||
      url->host().empty() || url->has_query() || url->has_fragment()) {
    return "an absolute http(s) URL without query or fragment, e.g. https://example.com/api/auth";
  }
  return std::nullopt;
}

std::optional<std::string> check_one_line(const std::string& value) {
  if (value.find_first_of("\r\n") != std::string::npos) return "one line";
  return std::nullopt;
}

std::optional<std::string> check_smtp_url(const std::string& value) {
  if (auto parsed = mail::parse_smtp_url(value); !parsed) {
    return "smtp://user:pass@host:587 or smtps://user:pass@host:465";
  }
  return std::nullopt;
}

std::optional<std::string> check_limit(const std::string& value) {
  if (auto spec = parse_limit("", value, std::chrono::seconds(60)); !spec) {
    return "<count>/<window> (e.g. 5/15m; window from 1s to 7d in s, m, h or d), <count>, or 0 "
           "or off";
  }
  return std::nullopt;
}

std::optional<std::string> check_trusted_proxies(const std::string& value) {
  if (auto parsed = core::TrustedProxies::parse(split_setting_list(value)); !parsed) {
    return "comma-separated addresses or CIDRs (" + parsed.error().message + ")";
  }
  return std::nullopt;
}

std::optional<std::string> check_domain_rules(const std::string& value) {
  for (const std::string& item : split_setting_list(value)) {
    if (auto rule = core::canonical_domain_rule(item); !rule) {
      return "comma-separated domains, example.com or .example.com (" + rule.error().message + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_cookie_domain(const std::string& value) {
  std::string_view domain = value;
  if (domain.starts_with('.')) domain.remove_prefix(1);
  auto canonical = core::canonical_domain_rule(domain);
  if (!canonical || canonical->starts_with('.')) return "a domain name such as example.com";
  return std::nullopt;
}

std::optional<std::string> check_redirect_hosts(const std::string& value) {
  for (const std::string& item : split_setting_list(value)) {
    if (auto host = core::canonical_domain_rule(item); !host) {
      return "comma-separated host names such as app.example.com, or .example.com (" +
             host.error().message + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_metrics_address(const std::string& value) {
  if (!parse_metrics_address(value)) {
    return "an IP address and a port, e.g. 127.0.0.1:9464 or [::1]:9464";
  }
  return std::nullopt;
}

std::optional<std::string> check_retry_schedule(const std::string& value) {
  if (!parse_retry_schedule(value)) {
    return "1 to 20 waits separated by commas, each a number with ms, s, m or h, from 10ms to 24h "
           "(e.g. 5s,5m,30m,2h,5h,10h)";
  }
  return std::nullopt;
}

// The rows. To add a setting, add a row here: name, type, default_value (what readers get when
// it is unset; empty for unset or computed), default_doc and help (README's columns), group,
// and as needed secret, min/max, choices or check. Then read it with setting_text,
// setting_integer or setting_flag, and regenerate README's table (`linkgate settings
// --markdown`).
// A row names only the fields it sets; the others keep their defaults (g++ warns about that with
// designated initializers).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const SettingSpec
    kSettings[] =
        {
            {
                .name = "PORT",
                .type = SettingType::integer,
                .default_value = "3000",
                .default_doc = R"md(`3000`)md",
                .help = R"md(port to listen on (`0` picks a free one))md",
                .group = "server",
                .min = 0,
                .max = 65535,
            },
            {
                .name = "HOST",
                .type = SettingType::text,
                .default_doc = R"md(`127.0.0.1` (development), `0.0.0.0` (production))md",
                .help = R"md(address to bind)md",
                .group = "server",
            },
            {
                .name = "AUTH_URL",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(public URL including the base path, e.g. `https://example.com/api/auth`; fixes the origin used for links and cookies (https → `__Secure-`/`__Host-` cookies) and the base path)md",
                .group = "server",
                .check = check_auth_url,
            },
            {
                .name = "AUTH_TRUST_HOST",
                .type = SettingType::flag,
                .default_doc = R"md(`true` in development without `AUTH_URL`, else `false`)md",
                .help =
                    R"md(build the origin from `Host` / `X-Forwarded-Host` / `X-Forwarded-Proto`; without it and without `AUTH_URL`, requests get Auth.js's Configuration error)md",
                .group = "server",
            },
            {
                .name = "AUTH_SECRET",
                .type = SettingType::text,
                .default_doc =
                    R"md(a random dev secret kept in `.linkgate-secret`; required in production)md",
                .help =
                    R"md(hashes tokens and CSRF values, encrypts JWT sessions; new values use this secret)md",
                .group = "secrets",
                .secret = true,
            },
            {
                .name = "AUTH_SECRET_",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(older secrets still accepted (rotation: move the old `AUTH_SECRET` to `AUTH_SECRET_1`, set a new `AUTH_SECRET`))md",
                .group = "secrets",
                .secret = true,
                .numbered_to = 9,
            },
            {
                .name = "LINKGATE_SECRET_FILE",
                .type = SettingType::text,
                .default_value = ".linkgate-secret",
                .default_doc = R"md(`.linkgate-secret`)md",
                .help = R"md(where the development secret is kept)md",
                .group = "secrets",
            },
            {
                .name = "DATABASE_URL",
                .type = SettingType::text,
                .default_doc = R"md(`sqlite://$PWD/linkgate.db`)md",
                .help =
                    R"md(`sqlite:///absolute/path.db` or `sqlite://relative.db`; or PostgreSQL: `postgres://user:password@host:5432/database` (also `postgresql://`, libpq's URL parameters allowed); run `linkgate migrate` first)md",
                .group = "database",
                .secret = true,
            },
            {
                .name = "DATABASE_POOL_SIZE",
                .type = SettingType::integer,
                .default_value = "16",
                .default_doc = R"md(`16`)md",
                .help =
                    R"md(PostgreSQL connections each node opens at most; callers beyond it wait in line)md",
                .group = "database",
                .min = 1,
                .max = 1000,
            },
            {
                .name = "DATABASE_BATCHES",
                .type = SettingType::integer,
                .default_value = "2",
                .default_doc = R"md(`2`)md",
                .help =
                    R"md(PostgreSQL: callbacks, sign-ins' new tokens and session lookups that arrive while this many statements of their kind are running wait, and go together into the next one: one statement (and one commit) for up to 32 of them)md",
                .group = "database",
                .min = 1,
                .max = 1000,
            },
            {
                .name = "DATABASE_PREPARED_STATEMENTS",
                .type = SettingType::flag,
                .default_value = "true",
                .default_doc = R"md(`true`)md",
                .help =
                    R"md(PostgreSQL: prepare each statement once per connection; `false` sends every statement unnamed (still one round trip), as PgBouncer's transaction pooling needs (see [docs/deployment.md](docs/deployment.md#high-availability)))md",
                .group = "database",
            },
            {
                .name = "AUTH_SESSION_STRATEGY",
                .type = SettingType::choice,
                .default_value = "database",
                .default_doc = R"md(`database`)md",
                .help = R"md(`database` or `jwt`)md",
                .group = "sessions",
                .choices = "database|jwt",
            },
            {
                .name = "AUTH_SESSION_MAX_AGE",
                .type = SettingType::integer,
                .default_value = "2592000",
                .default_doc = R"md(`2592000` (30 days))md",
                .help = R"md(session lifetime, seconds)md",
                .group = "sessions",
                .min = 60,
                .max = 316224000,
            },
            {
                .name = "AUTH_SESSION_UPDATE_AGE",
                .type = SettingType::integer,
                .default_value = "86400",
                .default_doc = R"md(`86400` (1 day))md",
                .help = R"md(how often a database session's expiry slides, seconds)md",
                .group = "sessions",
                .min = 0,
                .max = 316224000,
            },
            {
                .name = "AUTH_EMAIL_MAX_AGE",
                .type = SettingType::integer,
                .default_value = "86400",
                .default_doc = R"md(`86400` (24 h))md",
                .help = R"md(verification link lifetime, seconds)md",
                .group = "sessions",
                .min = 60,
                .max = 2592000,
            },
            {
                .name = "EMAIL_FROM",
                .type = SettingType::text,
                .default_value = "linkgate <no-reply@localhost>",
                .default_doc = R"md(`linkgate <no-reply@localhost>`)md",
                .help = R"md(the From of every email)md",
                .group = "email",
                .check = check_one_line,
            },
            {
                .name = "AUTH_POSTMARK_KEY",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help = R"md(turns on the `postmark` provider (Postmark server token))md",
                .group = "providers",
                .secret = true,
            },
            {
                .name = "AUTH_POSTMARK_API_URL",
                .type = SettingType::text,
                .default_doc = R"md(`https://api.postmarkapp.com`)md",
                .help = R"md(Postmark API base URL (tests point it at a local fake))md",
                .group = "providers",
            },
            {
                .name = "AUTH_FORWARDEMAIL_KEY",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help = R"md(turns on the `forwardemail` provider)md",
                .group = "providers",
                .secret = true,
            },
            {
                .name = "AUTH_FORWARDEMAIL_API_URL",
                .type = SettingType::text,
                .default_doc = R"md(`https://api.forwardemail.net`)md",
                .help = R"md(Forward Email API base URL)md",
                .group = "providers",
            },
            {
                .name = "AUTH_RESEND_KEY",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help = R"md(turns on the `resend` provider)md",
                .group = "providers",
                .secret = true,
            },
            {
                .name = "AUTH_RESEND_API_URL",
                .type = SettingType::text,
                .default_doc = R"md(`https://api.resend.com`)md",
                .help = R"md(Resend API base URL)md",
                .group = "providers",
            },
            {
                .name = "AUTH_SENDGRID_KEY",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help = R"md(turns on the `sendgrid` provider)md",
                .group = "providers",
                .secret = true,
            },
            {
                .name = "AUTH_SENDGRID_API_URL",
                .type = SettingType::text,
                .default_doc = R"md(`https://api.sendgrid.com`)md",
                .help = R"md(SendGrid API base URL)md",
                .group = "providers",
            },
            {
                .name = "AUTH_MAILGUN_KEY",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(turns on the `mailgun` provider (the sending domain is `EMAIL_FROM`'s))md",
                .group = "providers",
                .secret = true,
            },
            {
                .name = "AUTH_MAILGUN_REGION",
                .type = SettingType::choice,
                .default_value = "US",
                .default_doc = R"md(`US`)md",
                .help = R"md(`US` (`api.mailgun.net`) or `EU` (`api.eu.mailgun.net`))md",
                .group = "email",
                .choices = "US|EU",
            },
            {
                .name = "AUTH_MAILGUN_API_URL",
                .type = SettingType::text,
                .default_doc = R"md(by region)md",
                .help = R"md(Mailgun API base URL (overrides the region))md",
                .group = "providers",
            },
            {
                .name = "AUTH_LOOPS_KEY",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(turns on the `loops` provider (needs `AUTH_LOOPS_TRANSACTIONAL_ID`))md",
                .group = "providers",
                .secret = true,
            },
            {
                .name = "AUTH_LOOPS_TRANSACTIONAL_ID",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(the Loops transactional email to send; it gets the link as the `url` data variable)md",
                .group = "providers",
            },
            {
                .name = "AUTH_LOOPS_API_URL",
                .type = SettingType::text,
                .default_doc = R"md(`https://app.loops.so`)md",
                .help = R"md(Loops API base URL)md",
                .group = "providers",
            },
            {
                .name = "EMAIL_SERVER",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(turns on the `smtp` provider ("Email"): `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`)md",
                .group = "email",
                .secret = true,
                .check = check_smtp_url,
            },
            {
                .name = "LINKGATE_SMTP_CA_FILE",
                .type = SettingType::text,
                .default_doc = R"md(system CAs)md",
                .help = R"md(PEM file of CAs trusted for the SMTP server's certificate)md",
                .group = "email",
            },
            {
                .name = "LINKGATE_EMAIL_FALLBACK",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(id of a configured provider (e.g. `smtp`) used when another one fails; not shown as its own sign-in choice)md",
                .group = "email",
            },
            {
                .name = "LINKGATE_EMAIL_RETRY_BUDGET_MS",
                .type = SettingType::integer,
                .default_value = "8000",
                .default_doc = R"md(`8000`)md",
                .help = R"md(the most one email may take, every try and wait included)md",
                .group = "email",
                .min = 100,
                .max = 600000,
            },
            {
                .name = "LINKGATE_EMAIL_RETRY_MAX_TRIES",
                .type = SettingType::integer,
                .default_value = "4",
                .default_doc = R"md(`4`)md",
                .help =
                    R"md(tries per provider for 429, 5xx, SMTP 4xx and network failures (`1`: no retries))md",
                .group = "email",
                .min = 1,
                .max = 20,
            },
            {
                .name = "LINKGATE_EMAIL_RETRY_BASE_MS",
                .type = SettingType::integer,
                .default_value = "250",
                .default_doc = R"md(`250`)md",
                .help = R"md(first backoff wait; it doubles each try (at most 4 s), with jitter)md",
                .group = "email",
                .min = 1,
                .max = 60000,
            },
            {
                .name = "LINKGATE_OUTBOX",
                .type = SettingType::flag,
                .default_doc = R"md(on when no provider key is set)md",
                .help =
                    R"md(the dev outbox provider and `/dev/outbox`, `/dev/outbox.json`; refused in production)md",
                .group = "email",
            },
            {
                .name = "LINKGATE_ENV",
                .type = SettingType::choice,
                .default_doc = R"md(`development` (`NODE_ENV=production` also counts))md",
                .help =
                    R"md(`development`, `test` or `production`; `production` refuses to start without `AUTH_URL` (unless `AUTH_TRUST_HOST=true`), with an `AUTH_SECRET` under 32 bytes, with the default `EMAIL_FROM` or with no real provider)md",
                .group = "server",
                .choices = "development|production|test",
            },
            {
                .name = "AUTH_THEME_COLOR_SCHEME",
                .type = SettingType::choice,
                .default_value = "auto",
                .default_doc = R"md(`auto`)md",
                .help = R"md(`auto`, `light` or `dark` for the built-in pages)md",
                .group = "pages",
                .choices = "auto|light|dark",
            },
            {
                .name = "AUTH_THEME_BRAND_COLOR",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help = R"md(CSS colour of buttons in pages and emails)md",
                .group = "pages",
            },
            {
                .name = "AUTH_THEME_BUTTON_TEXT",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help = R"md(CSS colour of button text)md",
                .group = "pages",
            },
            {
                .name = "AUTH_THEME_LOGO",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help = R"md(URL of a logo shown on the pages)md",
                .group = "pages",
            },
            {
                .name = "LINKGATE_EMAIL_TEMPLATE_DIR",
                .type = SettingType::text,
                .default_doc = R"md(unset (the built-in email))md",
                .help =
                    R"md(directory of Mustache templates `subject.mustache`, `html.mustache`, `text.mustache` (any of them; the others stay built in); checked at startup and reloaded on SIGHUP, see [docs/providers.md](docs/providers.md#custom-templates-and-languages))md",
                .group = "pages",
            },
            {
                .name = "LINKGATE_LOCALE_DIR",
                .type = SettingType::text,
                .default_doc = R"md(unset (English only))md",
                .help =
                    R"md(directory of `<lang>.json` page texts and `<lang>/*.mustache` email templates, picked by `Accept-Language`; checked at startup and reloaded on SIGHUP)md",
                .group = "pages",
            },
            {
                .name = "LINKGATE_IO_THREADS",
                .type = SettingType::integer,
                .default_value = "0",
                .default_doc = R"md(one per core)md",
                .help = R"md(HTTP event-loop threads)md",
                .group = "threads",
                .min = 0,
                .max = 256,
            },
            {
                .name = "LINKGATE_WORKERS",
                .type = SettingType::integer,
                .default_value = "16",
                .default_doc = R"md(`16`)md",
                .help =
                    R"md(worker threads for requests that may wait on SMTP, on an email API provider without PostgreSQL, or on an embedder's hook (the loop never blocks on them))md",
                .group = "threads",
                .min = 1,
                .max = 1024,
            },
            {
                .name = "LINKGATE_STORE_WORKERS",
                .type = SettingType::integer,
                .default_value = "0",
                .default_doc = R"md(two per core)md",
                .help =
                    R"md(worker threads for requests that wait only on the store (sessions, link redemptions, sign-out), so a slow provider never holds them up; with PostgreSQL these requests run on the event loop instead (next row))md",
                .group = "threads",
                .min = 0,
                .max = 1024,
            },
            {
                .name = "LINKGATE_STORE_FIBERS",
                .type = SettingType::flag,
                .default_value = "true",
                .default_doc = R"md(`true`)md",
                .help =
                    R"md(with PostgreSQL, run store-only requests, and sign-ins through an email API provider, on fibers of the event loop, suspended while the database or the provider answers, instead of on worker threads)md",
                .group = "threads",
            },
            {
                .name = "LINKGATE_PROVIDER_TIMEOUT_MS",
                .type = SettingType::integer,
                .default_value = "15000",
                .default_doc = R"md(`15000`)md",
                .help =
                    R"md(total timeout of one email API call or SMTP session (connect: at most 5 s), cut to the retry budget left)md",
                .group = "email",
                .min = 100,
                .max = 600000,
            },
            {
                .name = "LINKGATE_SWEEP_INTERVAL",
                .type = SettingType::integer,
                .default_value = "3600",
                .default_doc = R"md(`3600`)md",
                .help = R"md(seconds between sweeps of expired tokens and sessions)md",
                .group = "server",
                .min = 1,
                .max = 31622400,
            },
            {
                .name = "LINKGATE_METRICS_ADDR",
                .type = SettingType::text,
                .default_doc = R"md(unset (off))md",
                .help =
                    R"md(serve Prometheus metrics at `http://<address>/metrics` on a listener of their own, e.g. `127.0.0.1:9464`; never on the public port (see [docs/operations.md](docs/operations.md#metrics)))md",
                .group = "server",
                .check = check_metrics_address,
            },
            {
                .name = "LINKGATE_METRICS_ALLOW_REMOTE",
                .type = SettingType::flag,
                .default_value = "false",
                .default_doc = R"md(`false`)md",
                .help =
                    R"md(allow a `LINKGATE_METRICS_ADDR` that is not loopback in production (refused otherwise: the metrics have no authentication))md",
                .group = "server",
            },
            {
                .name = "LINKGATE_SHUTDOWN_TIMEOUT",
                .type = SettingType::integer,
                .default_value = "25",
                .default_doc = R"md(`25`)md",
                .help =
                    R"md(seconds that requests in flight (and the emails they send) get to finish after SIGTERM/SIGINT; `0` stops at once (see [docs/operations.md](docs/operations.md)))md",
                .group = "server",
                .min = 0,
                .max = 3600,
            },
            {
                .name = "LINKGATE_LOG_LEVEL",
                .type = SettingType::choice,
                .default_value = "info",
                .default_doc = R"md(`info`)md",
                .help = R"md(`debug`, `info`, `warn` or `error`; any other value stops startup)md",
                .group = "server",
                .choices = "debug|info|warn|error",
            },
            {
                .name = "LINKGATE_LOG_FORMAT",
                .type = SettingType::choice,
                .default_value = "text",
                .default_doc = R"md(`text`)md",
                .help =
                    R"md(`text` (one line per event, `key=value` fields) or `json` (one JSON object per line); fields in [docs/operations.md](docs/operations.md#logs))md",
                .group = "server",
                .choices = "text|json",
            },
            {
                .name = "LINKGATE_LOG_EMAILS",
                .type = SettingType::flag,
                .default_value = "false",
                .default_doc = R"md(`false`)md",
                .help =
                    R"md(`true` writes the plain email address in audit lines beside its keyed hash `email_hash` (always written))md",
                .group = "server",
            },
            {
                .name = "LINKGATE_RATE_LIMIT_IDENTIFIER",
                .type = SettingType::text,
                .default_doc = R"md(`5/15m`)md",
                .help =
                    R"md(emails per address per window (`<count>/<window>`, window in `s`/`m`/`h`/`d`; `0` = off); over it: the answer of a success, no email (see [docs/abuse.md](docs/abuse.md)))md",
                .group = "abuse",
                .check = check_limit,
            },
            {
                .name = "LINKGATE_RATE_LIMIT_IP",
                .type = SettingType::text,
                .default_doc = R"md(`30/5m`)md",
                .help =
                    R"md(sign-in requests and one-time code tries per client IP (IPv6 per /64); over it: `?error=RateLimited&retryAfter=`, 429 + `Retry-After` in JSON mode)md",
                .group = "abuse",
                .check = check_limit,
            },
            {
                .name = "LINKGATE_RATE_LIMIT_GLOBAL",
                .type = SettingType::text,
                .default_doc = R"md(`1000/1m`)md",
                .help =
                    R"md(emails sent by the whole deployment (all nodes); over it: as the IP limit)md",
                .group = "abuse",
                .check = check_limit,
            },
            {
                .name = "LINKGATE_RATE_LIMITS",
                .type = SettingType::flag,
                .default_value = "true",
                .default_doc = R"md(`on`)md",
                .help = R"md(`off` turns the three limits above off)md",
                .group = "abuse",
            },
            {
                .name = "LINKGATE_TRUSTED_PROXIES",
                .type = SettingType::text,
                .default_doc = R"md(unset (none))md",
                .help =
                    R"md(comma-separated CIDRs of proxies whose `X-Forwarded-For` is believed (right-most untrusted hop), and whose `X-Original-URL` / `X-Forwarded-Host`/`-Proto`/`-Uri` give `/verify`'s sign-in redirect its callbackUrl ([docs/gateway.md](docs/gateway.md)), and whose `X-Request-Id` is kept ([docs/operations.md](docs/operations.md#request-ids)))md",
                .group = "abuse",
                .check = check_trusted_proxies,
            },
            {
                .name = "AUTH_COOKIE_DOMAIN",
                .type = SettingType::text,
                .default_doc = R"md(unset (the origin's host only))md",
                .help =
                    R"md(e.g. `example.com`: the session cookie's Domain, so `app.example.com` and `admin.example.com` share the session (no other cookie gets it; `AUTH_URL`'s host must be under it))md",
                .group = "gateway",
                .check = check_cookie_domain,
            },
            {
                .name = "LINKGATE_REDIRECT_HOSTS",
                .type = SettingType::text,
                .default_doc = R"md(unset (the origin only))md",
                .help =
                    R"md(comma-separated hosts a callbackUrl may point to besides the origin: `app.example.com` (that host, any port) or `.example.com` (hosts under it); https only when the origin is https)md",
                .group = "gateway",
                .check = check_redirect_hosts,
            },
            {
                .name = "LINKGATE_ALLOWED_DOMAINS",
                .type = SettingType::text,
                .default_doc = R"md(unset (all))md",
                .help =
                    R"md(comma-separated email domains allowed to sign in: `example.com` exactly, `.example.com` its subdomains; others get `AccessDenied`)md",
                .group = "abuse",
                .check = check_domain_rules,
            },
            {
                .name = "LINKGATE_BLOCKED_DOMAINS",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(comma-separated email domains refused (same matching; blocked wins))md",
                .group = "abuse",
                .check = check_domain_rules,
            },
            {
                .name = "LINKGATE_SIGNUP",
                .type = SettingType::flag,
                .default_value = "true",
                .default_doc = R"md(`true`)md",
                .help =
                    R"md(`false`: only existing users get links (unknown addresses get the same success answer, no email))md",
                .group = "abuse",
            },
            {
                .name = "LINKGATE_VOID_OLDER_LINKS",
                .type = SettingType::flag,
                .default_value = "false",
                .default_doc = R"md(`false`)md",
                .help = R"md(`true`: a new link voids the address's older links and codes)md",
                .group = "abuse",
            },
            {
                .name = "LINKGATE_CONFIRM",
                .type = SettingType::flag,
                .default_value = "false",
                .default_doc = R"md(`false`)md",
                .help =
                    R"md(`true`: opening the link shows "Sign in as <email>?" and only its button (a CSRF-protected POST) signs in, so mail scanners cannot burn links (`HEAD` never consumes in any mode); see [docs/redemption.md](docs/redemption.md))md",
                .group = "redemption",
            },
            {
                .name = "LINKGATE_ONE_TIME_CODE",
                .type = SettingType::flag,
                .default_value = "false",
                .default_doc = R"md(`false`)md",
                .help =
                    R"md(`true`: the email also carries a code, typed on the "Check your email" page (5 wrong tries void it; bound to the address and its link))md",
                .group = "redemption",
            },
            {
                .name = "LINKGATE_CODE_DIGITS",
                .type = SettingType::integer,
                .default_value = "6",
                .default_doc = R"md(`6`)md",
                .help = R"md(length of the one-time code, 6 to 10)md",
                .group = "redemption",
                .min = 6,
                .max = 10,
            },
            {
                .name = "LINKGATE_WEBHOOK_URL",
                .type = SettingType::text,
                .default_doc = R"md(unset (no events))md",
                .help =
                    R"md(turns on webhook events (`user.created`, `session.created`, `session.deleted`, `email.failed`): each is written to the store's outbox (`webhook_events`) in the transaction of the change it reports; and a background sender POSTs it here, signed (Standard Webhooks), until a 2xx answer; `https` (or loopback `http`) in production; see [docs/webhooks.md](docs/webhooks.md))md",
                .group = "webhooks",
            },
            {
                .name = "LINKGATE_WEBHOOK_SECRET",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(Standard Webhooks signing secret, `whsec_` + base64 of 24–64 bytes (`linkgate webhook-secret` makes one); several, space-separated, during a rotation: every delivery carries a signature for each)md",
                .group = "webhooks",
                .secret = true,
            },
            {
                .name = "LINKGATE_WEBHOOK_EVENTS",
                .type = SettingType::text,
                .default_doc = R"md(every type)md",
                .help = R"md(space- or comma-separated event types to write)md",
                .group = "webhooks",
            },
            {
                .name = "LINKGATE_WEBHOOK_RETRY_SCHEDULE",
                .type = SettingType::text,
                .default_value = "5s,5m,30m,2h,5h,10h",
                .default_doc = R"md(`5s,5m,30m,2h,5h,10h`)md",
                .help =
                    R"md(waits before each retry of an event that got no 2xx answer (units `ms`, `s`, `m`, `h`); after the last one the event is kept as failed (`linkgate webhooks list --failed`, `linkgate webhooks retry`))md",
                .group = "webhooks",
                .check = check_retry_schedule,
            },
            {
                .name = "LINKGATE_WEBHOOK_TIMEOUT_MS",
                .type = SettingType::integer,
                .default_value = "10000",
                .default_doc = R"md(`10000`)md",
                .help = R"md(timeout of one delivery try (of which connecting: at most 5 s))md",
                .group = "webhooks",
                .min = 100,
                .max = 120000,
            },
            {
                .name = "LINKGATE_WEBHOOK_RETENTION_HOURS",
                .type = SettingType::integer,
                .default_value = "168",
                .default_doc = R"md(`168` (7 days))md",
                .help =
                    R"md(how long delivered events stay in the outbox (`linkgate webhooks list`) before the sender deletes them; pending and failed events stay until delivered or retried)md",
                .group = "webhooks",
                .min = 1,
                .max = 87600,
            },
            {
                .name = "LINKGATE_WEBHOOK_POLL_MS",
                .type = SettingType::integer,
                .default_value = "1000",
                .default_doc = R"md(`1000`)md",
                .help =
                    R"md(how often the idle sender looks for due events (new ones wait at most this))md",
                .group = "webhooks",
                .min = 10,
                .max = 60000,
            },
            {
                .name = "LINKGATE_WEBHOOK_CONCURRENCY",
                .type = SettingType::integer,
                .default_value = "4",
                .default_doc = R"md(`4`)md",
                .help = R"md(deliveries in flight at most, per node)md",
                .group = "webhooks",
                .min = 1,
                .max = 64,
            },
            {
                .name = "LINKGATE_HOOK_SIGN_IN_URL",
                .type = SettingType::text,
                .default_doc = R"md(unset (no hook))md",
                .help =
                    R"md(decision hook asked before a link is sent (`"stage": "email"`) and before a session starts (`"stage": "callback"`); answers `{"allow": true}` or `{"allow": false}` (AccessDenied), optionally with a `redirect`; signed like webhook events; `https` (or loopback `http`) in production; see [docs/webhooks.md](docs/webhooks.md#decision-hook))md",
                .group = "hooks",
            },
            {
                .name = "LINKGATE_HOOK_SEND_EMAIL_URL",
                .type = SettingType::text,
                .default_doc = R"md(unset)md",
                .help =
                    R"md(turns on the `webhook` email provider: each sign-in email (address, link, code, expiry, rendered subject, text and HTML) is POSTed, signed, to this URL for the app to send; a 2xx means sent; retries and fallback as other providers; see [docs/webhooks.md](docs/webhooks.md#the-webhook-email-provider))md",
                .group = "hooks",
            },
            {
                .name = "LINKGATE_HOOK_SECRET",
                .type = SettingType::text,
                .default_doc = R"md(`LINKGATE_WEBHOOK_SECRET`)md",
                .help =
                    R"md(Standard Webhooks secret(s), `whsec_…`, that sign hook calls; a hook URL with neither this nor `LINKGATE_WEBHOOK_SECRET` stops the server at startup)md",
                .group = "hooks",
                .secret = true,
            },
            {
                .name = "LINKGATE_HOOK_TIMEOUT_MS",
                .type = SettingType::integer,
                .default_value = "2000",
                .default_doc = R"md(`2000`)md",
                .help = R"md(the most one sign-in hook call may take (connect included))md",
                .group = "hooks",
                .min = 50,
                .max = 30000,
            },
            {
                .name = "LINKGATE_HOOK_FAIL_OPEN",
                .type = SettingType::flag,
                .default_value = "false",
                .default_doc = R"md(`false`)md",
                .help =
                    R"md(`true`: a sign-in hook that times out, fails or answers garbage lets the sign-in go on; `false` refuses it (AccessDenied); either way the reason is logged)md",
                .group = "hooks",
            },
};
#pragma GCC diagnostic pop

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string_view> split_choices(std::string_view choices) {
  std::vector<std::string_view> out;
  while (!choices.empty()) {
    const auto bar = choices.find('|');
    out.push_back(choices.substr(0, bar));
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return out;
}

std::string join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out;
}

std::optional<bool> parse_flag(const std::string& text) {
  const std::string v = lower(trim(text));
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return std::nullopt;
}

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The value in canonical form, or an Error worded as check_settings words it.
Result<std::string> checked_value(const SettingSpec& spec, std::string_view name,
                                  const std::string& value) {
  auto bad = [&](const std::string& allowed) -> Error {
    return Error{"configuration", invalid_setting_message(spec, name, value, allowed)};
  };
  switch (spec.type) {
    case SettingType::integer: {
      auto number = parse_integer(trim(value));
      if (!number || *number < spec.min || *number > spec.max)
        return bad(setting_allowed_text(spec));
      return std::to_string(*number);
    }
    case SettingType::flag: {
      auto flag = parse_flag(value);
      if (!flag) return bad(setting_allowed_text(spec));
      return std::string(*flag ? "true" : "false");
    }
    case SettingType::choice: {
      const std::string wanted = lower(trim(value));
      for (std::string_view choice : split_choices(spec.choices)) {
        if (lower(std::string(choice)) == wanted) return std::string(choice);
      }
      return bad(setting_allowed_text(spec));
    }
    case SettingType::text:
      break;
  }
  if (spec.check != nullptr) {
    if (auto allowed = spec.check(value)) return bad(*allowed);
  }
  return value;
}

}  // namespace

std::string setting_allowed_text(const SettingSpec& spec) {
  switch (spec.type) {
    case SettingType::integer:
      return "a whole number from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
    case SettingType::flag:
      return "true or false";
    case SettingType::choice:
      return "one of " + join(split_choices(spec.choices));
    case SettingType::text:
      break;
  }
  return "text";
}

std::vector<std::string> setting_names(const SettingSpec& spec) {
  if (spec.numbered_to == 0) return {std::string(spec.name)};
  std::vector<std::string> names;
  for (int i = 1; i <= spec.numbered_to; ++i)
    names.push_back(std::string(spec.name) + std::to_string(i));
  return names;
}

namespace {

const SettingSpec& row(std::string_view name) {
  const SettingSpec* spec = find_setting(name);
  if (spec == nullptr) {
    // A reader asking for a name the table lacks is a programming error, caught by any test
    // that reads settings.
    std::abort();
  }
  return *spec;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::vector<std::string> split_setting_list(const std::string& text) {
  std::vector<std::string> out;
  std::string_view rest = text;
  while (true) {
    auto comma = rest.find(',');
    std::string item = trim(rest.substr(0, comma));
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::span<const SettingSpec> setting_table() {
  return kSettings;
}

const SettingSpec* find_setting(std::string_view name) {
  for (const SettingSpec& spec : kSettings) {
    if (spec.numbered_to == 0) {
      if (spec.name == name) return &spec;
      continue;
    }
    if (!name.starts_with(spec.name)) continue;
    auto number = parse_integer(name.substr(spec.name.size()));
    if (number && *number >= 1 && *number <= spec.numbered_to &&
        std::to_string(*number) == name.substr(spec.name.size())) {
      return &spec;
    }
  }
  return nullptr;
}

std::vector<std::string> known_setting_names() {
  std::vector<std::string> names;
  for (const SettingSpec& spec : kSettings) {
    for (std::string& name : setting_names(spec)) {
      if (spec.secret) names.push_back(name + "_FILE");
      names.push_back(std::move(name));
    }
  }
  return names;
}

std::string invalid_setting_message(const SettingSpec& spec, std::string_view name,
                                    std::string_view value, std::string_view allowed) {
  std::string shown;
  if (spec.secret) {
    shown = "(secret, " + std::to_string(value.size()) + " bytes)";
  } else {
    shown = "\"";
    for (char c : value.substr(0, 120)) {
      shown += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
    if (value.size() > 120) shown += "...";
    shown += "\"";
  }
  return std::string(name) + "=" + shown + " is not allowed: " + std::string(allowed);
}

Result<void> check_settings(const EnvLookup& env) {
  auto problems = setting_problems(env);
  if (!problems.empty()) return Error{"configuration", problems.front()};
  return {};
}

std::vector<std::string> setting_problems(const EnvLookup& env) {
  std::vector<std::string> problems;
  for (const SettingSpec& spec : kSettings) {
    for (const std::string& name : setting_names(spec)) {
      auto value = env(name);
      if (!value) continue;
      if (auto checked = checked_value(spec, name, *value); !checked) {
        problems.push_back(checked.error().message);
      }
    }
  }
  return problems;
}

Result<std::string> setting_text(const EnvLookup& env, std::string_view name) {
  const SettingSpec& spec = row(name);
  auto value = env(name);
  if (!value) return std::string(spec.default_value);
  return checked_value(spec, name, *value);
}

Result<long long> setting_integer(const EnvLookup& env, std::string_view name) {
  auto text = setting_text(env, name);
  if (!text) return text.error();
  return parse_integer(*text).value_or(0);
}

Result<bool> setting_flag(const EnvLookup& env, std::string_view name) {
  auto text = setting_text(env, name);
  if (!text) return text.error();
  return parse_flag(*text).value_or(false);
}

Result<bool> setting_flag(const EnvLookup& env, std::string_view name, bool fallback) {
  if (!env(name)) return fallback;
  return setting_flag(env, name);
}

std::vector<std::string> unknown_setting_warnings(const std::vector<std::string>& names,
                                                  bool any_name) {
  const std::vector<std::string> known = known_setting_names();
  std::vector<std::string> warnings;
  for (const std::string& name : names) {
    if (!any_name && !name.starts_with("AUTH_") && !name.starts_with("LINKGATE_") &&
        !name.starts_with("EMAIL_")) {
      continue;
    }
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    const std::string* closest = nullptr;
    std::size_t best = 0;
    for (const std::string& candidate : known) {
      const std::size_t distance = edit_distance(name, candidate);
      if (closest == nullptr || distance < best) {
        closest = &candidate;
        best = distance;
      }
    }
    warnings.push_back("unknown setting " + name + " is ignored" +
                       (closest != nullptr ? " (did you mean " + *closest + "?)" : ""));
  }
  return warnings;
}

std::vector<std::string> environment_names() {
  std::vector<std::string> names;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text = *entry;
    names.emplace_back(text.substr(0, text.find('=')));
  }
  return names;
}

std::string settings_help() {
  auto plain = [](std::string_view markdown) {
    std::string out;
    for (char c : markdown) {
      if (c != '`') out += c;
    }
    return out;
  };
  std::string out =
      "Settings (environment variables; also keys of --config FILE, environment "
      "first; a secret may be given as NAME_FILE):\n";
  std::string_view group;
  for (const SettingSpec& spec : kSettings) {
    if (spec.group != group) {
      group = spec.group;
      out += "\n  [" + std::string(group) + "]\n";
    }
    std::string name(spec.name);
    if (spec.numbered_to > 0)
      name += "1.." + std::string(spec.name) + std::to_string(spec.numbered_to);
    out += "  " + name;
    if (spec.secret) out += " (secret)";
    out += "\n      default: " + plain(spec.default_doc);
    if (spec.type != SettingType::text) out += "; allowed: " + setting_allowed_text(spec);
    out += "\n      " + plain(spec.help) + "\n";
  }
  return out;
}

std::string settings_markdown() {
  std::string out = "| variable | default | meaning |\n|---|---|---|\n";
  for (const SettingSpec& spec : kSettings) {
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
    std::string name(1, '`');
    name.append(spec.name);
    if (spec.numbered_to > 0) {
      name.append("1` … `").append(spec.name).append(std::to_string(spec.numbered_to));
    }
    name += '`';
    out += "| " + name + " | " + std::string(spec.default_doc) + " | " + std::string(spec.help) +
           " |\n";
  }
  return out;
}

}  // namespace linkgate::server
