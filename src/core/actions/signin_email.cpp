// POST /signin/:provider — start an email sign-in (authjs-behaviour.md §1, §3; SPEC C3, P5).
#include <boost/json.hpp>

#include "core/actions/actions.hpp"
#include "core/email_template.hpp"
#include "core/form.hpp"
#include "core/hooks.hpp"
#include "core/identifier.hpp"
#include "core/locale/accept_language.hpp"
#include "core/locale/custom_email.hpp"
#include "core/one_time_code.hpp"
#include "core/rate_limit.hpp"
#include "core/session_cookie.hpp"
#include "core/sign_in_link.hpp"
#include "core/sign_in_policy.hpp"
#include "core/webhook_events.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"

namespace linkgate::core::actions {

namespace {

std::string link_host(const std::string& origin) {
  auto pos = origin.find("://");
  return pos == std::string::npos ? origin : origin.substr(pos + 3);
}

// `code` is the one-time code for the built-in or templated email, empty when that is off.
Result<void> deliver(const Context& ctx, const EmailProvider& provider,
                     const VerificationRequest& request, const std::string& code) {
  if (provider.send_verification_request) {
    try {
      return provider.send_verification_request(request);
    } catch (...) {
      log_hook_failure(ctx.state, "sendVerificationRequest", std::current_exception(),
                       ctx.request.id);
      return Error{"mail", "sendVerificationRequest threw"};
    }
  }
  if (!provider.mailer) return Error{"configuration", "provider has no mailer"};
  // The language of the person asking (their Accept-Language), its templates first, then the
  // configured ones, then the built-in email (all checked at startup).
  const AuthConfig& config = ctx.state.config;
  const Locale* locale = pick_locale(config, ctx.request.header("Accept-Language").value_or(""));
  // The configured templates are used in place; only a locale's merge makes a new set.
  EmailTemplates merged;
  if (locale) merged = merge_email_templates(locale->email, config.email_templates);
  const EmailTemplates& templates = locale ? merged : config.email_templates;
  auto rendered = render_email(templates, {request.url, link_host(ctx.origin),
                                           iso8601(request.expires), code, request.theme});
  if (!rendered) return Error{"configuration", "email template: " + rendered.error().message};
  EmailContent content = std::move(*rendered);
  EmailMessage message{request.identifier,      provider.from,           std::move(content.subject),
                       std::move(content.text), std::move(content.html), request.url};
  message.code = code;
  message.expires = iso8601(request.expires);
  message.host = link_host(ctx.origin);
  message.locale = locale ? locale->language : "en";
  message.request_id = ctx.request.id;
  return provider.mailer->send(message);
}

// The email.failed webhook event (when on) of a link that could not be delivered: the address,
// the provider and the kind of failure (never the link or its token).
void add_email_failed_event(const Context& ctx, const std::string& provider_id,
                            const std::string& identifier, const Error& failure) {
  if (!webhook_event_on(ctx.state.config, "email.failed")) return;
  boost::json::object data{{"email", identifier},
                           {"provider", provider_id},
                           {"client_ip", request_client_ip(ctx)},
                           {"reason", failure.kind}};
  auto added =
      ctx.state.store->add_webhook_event("email.failed", boost::json::serialize(data), ctx.now());
  if (!added) {
    ctx.log(LogLevel::error,
            "signin: could not write the email.failed webhook event: " + added.error().message);
  }
}

// The provider's normalizeIdentifier, or the default (§3.4). Whatever it throws is a rejection.
Result<std::string> run_normalizer(const Context& ctx, const EmailProvider& provider,
                                   const std::string& raw_email) {
  if (!provider.normalize_identifier) return normalize_identifier(raw_email);
  try {
    return provider.normalize_identifier(raw_email);
  } catch (...) {
    log_hook_failure(ctx.state, "normalizeIdentifier", std::current_exception(), ctx.request.id);
    return Error{"invalid_input", "normalizeIdentifier threw"};
  }
}

// Makes and stores the one-time code sent beside the link (SPEC B3): bound to the identifier and
// to the link, expiring with it, kept only as its keyed hash. Returns the code, or "" when codes
// are off. A custom sendVerificationRequest gets it in VerificationRequest::code.
Result<std::string> store_one_time_code(const Context& ctx, const VerificationToken& link) {
  const Redemption& redemption = ctx.state.config.redemption;
  if (!redemption.one_time_code) return std::string();
  std::string code = make_one_time_code(redemption.code_digits);
  OneTimeCode row{link.identifier,
                  one_time_code_hash(ctx.state.config.secrets.front(), link.identifier, code),
                  link.token, link.expires};
  if (auto stored = ctx.state.store->create_one_time_code(row); !stored) return stored.error();
  return code;
}

}  // namespace

// The answer after an email was sent (or, for the limits that must not tell, as if it was): the
// verify-request page. With one-time codes on, it carries the address so that the code form
// there is filled in.
Response verify_request_redirect(const Context& ctx, const std::string& provider_id,
                                 const std::string& identifier) {
  std::string target =
      ctx.base_url() + "/verify-request?provider=" + form_encode(provider_id) + "&type=email";
  if (ctx.state.config.redemption.one_time_code) target += "&email=" + form_encode(identifier);
  Response r = ctx.redirect(target);
  ctx.add_init_cookies(r);
  return r;
}

Response signin_email(Context& ctx) {
  // POST /signin without a provider goes back to the sign-in page (§1).
  if (ctx.provider_id.empty()) {
    Response r = ctx.redirect(ctx.base_url() + "/signin");
    ctx.add_init_cookies(r);
    return r;
  }
  const EmailProvider* provider = ctx.state.provider(ctx.provider_id);
  if (provider == nullptr) return ctx.error_redirect(ErrorKind::error, "Configuration");
  if (!ctx.csrf.verified) {
    ctx.audit(AuditKind::csrf_failed, AuditOutcome::failure, {});
    return ctx.error_redirect(ErrorKind::sign_in, "MissingCSRF");
  }

  // Abuse limits (SPEC B1, B4), in an order that never tells a known address from an unknown one:
  // every answer below depends only on the client, the domain and the counters. The per-IP limit
  // counts every sign-in request, valid address or not.
  const AuthConfig& config = ctx.state.config;
  Store& store = *ctx.state.store;
  if (auto answer = deny_if_limited(
          ctx, count_ip_attempt(config, store, request_client_ip(ctx), ctx.now()), "ip")) {
    return std::move(*answer);
  }

  // A normalizer failure is EmailSignin, as the provider documents say (SPEC P5).
  std::string raw_email = ctx.body.count("email") ? ctx.body.at("email") : std::string();
  Result<std::string> identifier = run_normalizer(ctx, *provider, raw_email);
  if (!identifier) {
    ctx.log(LogLevel::info, "signin: rejected email address: " + identifier.error().message);
    ctx.audit(AuditKind::denied, AuditOutcome::denied, {.reason = AuditReason::invalid_email});
    return ctx.error_redirect(ErrorKind::sign_in, "EmailSignin");
  }

  // A domain the policy refuses is AccessDenied, as a signIn callback that says no.
  if (!domain_allowed(config.policy, *identifier)) {
    ctx.log(LogLevel::info, "signin: email domain refused by the sign-in policy");
    ctx.audit(AuditKind::denied, AuditOutcome::denied,
              {.reason = AuditReason::domain_policy, .email = *identifier});
    return ctx.error_redirect(ErrorKind::error, "AccessDenied");
  }
  // Over the identifier limit: nothing stored or sent, and the answer of a success.
  auto per_identifier = count_identifier_email(config, store, *identifier, ctx.now());
  if (!per_identifier) return ctx.store_failed(per_identifier.error(), "rate limit identifier");
  if (!per_identifier->allowed) {
    ctx.log(LogLevel::info, "rate limit identifier: over the limit; no email sent");
    ctx.audit(AuditKind::rate_limited, AuditOutcome::denied,
              {.reason = AuditReason::limit_identifier, .email = *identifier});
    return verify_request_redirect(ctx, provider->id, *identifier);
  }
  if (auto answer = deny_if_limited(ctx, count_global_send(config, store, ctx.now()), "global",
                                    *identifier)) {
    return std::move(*answer);
  }
  // signup:false: an unknown address gets the answer of a success, and no token, no email.
  if (!config.policy.signup) {
    auto known = store.get_user_by_email(*identifier);
    if (!known) return ctx.store_failed(known.error(), "signin");
    if (!known->has_value()) {
      ctx.audit(AuditKind::denied, AuditOutcome::denied,
                {.reason = AuditReason::signup_closed, .email = *identifier});
      return verify_request_redirect(ctx, provider->id, *identifier);
    }
  }

  // The signIn callback, then the sign-in hook, decide before any token exists (§1 signin step 4).
  if (config.callbacks.sign_in || config.sign_in_hook) {
    auto existing = ctx.state.store->get_user_by_email(*identifier);
    if (!existing) return ctx.store_failed(existing.error(), "signin");
    User user = existing->has_value() ? **existing : User{};
    if (!existing->has_value()) {
      user.id = crypto::random_uuid();
      user.email = *identifier;
    }
    if (auto answer = check_sign_in(ctx, user, email_account(user, provider->id), true, true)) {
      return std::move(*answer);
    }
    const SignInHookCall call{SignInHookCall::Stage::email, *identifier, *existing, provider->id,
                              request_client_ip(ctx)};
    if (auto answer = check_sign_in_hook(ctx, call, true)) return std::move(*answer);
  }

  std::string token;
  if (provider->generate_verification_token) {
    try {
      token = provider->generate_verification_token();
    } catch (...) {
      log_hook_failure(ctx.state, "generateVerificationToken", std::current_exception(),
                       ctx.request.id);
    }
  } else {
    token = crypto::random_hex(32);
  }
  if (token.empty()) {
    ctx.log(LogLevel::error, "signin: generateVerificationToken returned an empty token");
    return ctx.error_redirect(ErrorKind::error, "Configuration");
  }
  const TimePoint expires =
      ctx.now() + std::chrono::duration_cast<std::chrono::milliseconds>(provider->max_age);
  const std::string token_hash = crypto::sha256_hex(token + ctx.state.config.secrets.front());

  // A new link voids the older links (and codes) of the address, when the policy says so.
  if (config.policy.void_older_links) {
    if (auto voided = store.delete_verification_tokens(*identifier); !voided) {
      return ctx.store_failed(voided.error(), "signin: voiding the older links");
    }
  }

  // Store first, send after: a failed store never mails a dead link (SPEC P5).
  if (auto stored = ctx.state.store->create_verification_token({*identifier, token_hash, expires});
      !stored) {
    return ctx.store_failed(stored.error(), "signin: storing the verification token");
  }

  // Parameter order and encoding as Auth.js's URLSearchParams: callbackUrl, token, email (§3.3).
  std::string url =
      sign_in_link_url(ctx.base_url(), provider->id, ctx.callback_url, token, *identifier);
  auto code = store_one_time_code(ctx, {*identifier, token_hash, expires});
  if (!code) {
    (void)ctx.state.store->use_verification_token(*identifier, token_hash);
    return ctx.store_failed(code.error(), "signin: storing the one-time code");
  }

  ctx.audit(AuditKind::link_requested, AuditOutcome::success, {.email = *identifier});
  VerificationRequest request{
      *identifier, url, expires, provider->id, token, ctx.state.config.theme, *code};
  if (auto sent = deliver(ctx, *provider, request, *code); !sent) {
    ctx.log(LogLevel::error,
            "signin: provider " + provider->id + " failed: " + sent.error().message);
    // The link was never delivered: drop its token (and its code) so no dead row lingers.
    (void)ctx.state.store->use_verification_token(*identifier, token_hash);
    if (!code->empty()) (void)ctx.state.store->delete_one_time_codes_of_link(token_hash);
    add_email_failed_event(ctx, provider->id, *identifier, sent.error());
    ctx.audit(AuditKind::email_failed, AuditOutcome::failure,
              {.reason = AuditReason::email_provider, .email = *identifier});
    return ctx.error_redirect(ErrorKind::sign_in, "EmailSignin");
  }
  ctx.audit(AuditKind::email_sent, AuditOutcome::success, {.email = *identifier});

  return verify_request_redirect(ctx, provider->id, *identifier);
}

}  // namespace linkgate::core::actions
