// GET|POST|HEAD /callback/:provider — consume a magic link (or, by POST, a one-time code) and
// start a session (authjs-behaviour.md §1 callback, §4, §5; SPEC C3, C5, C6, B2, B3).
#include "core/actions/actions.hpp"
#include "core/actions/sign_in_steps.hpp"
#include "core/form.hpp"
#include "core/locale/accept_language.hpp"
#include "core/pages/pages.hpp"
#include "crypto/digest.hpp"

namespace linkgate::core::actions {

namespace {

// Finds and deletes the token row under any of the secrets from the `first`th on (SPEC C7: tokens
// made with any listed secret are accepted), with the user of its address in the same store call.
Result<std::optional<ConsumedToken>> consume_token(const Context& ctx,
                                                   const std::string& identifier,
                                                   const std::string& token, std::size_t first) {
  const auto& secrets = ctx.state.config.secrets;
  for (std::size_t i = first; i < secrets.size(); ++i) {
    auto used = ctx.state.store->use_verification_token_and_get_user(
        identifier, crypto::sha256_hex(token + secrets[i]));
    if (!used || used->has_value()) return used;
  }
  return std::optional<ConsumedToken>();
}

// The code sent beside a consumed link dies with it. Should this fail, the code still cannot be
// redeemed: redeeming also consumes the link, which is gone.
void drop_one_time_code(const Context& ctx, const std::string& link_token_hash) {
  if (!ctx.state.config.redemption.one_time_code) return;
  if (auto dropped = ctx.state.store->delete_one_time_codes_of_link(link_token_hash); !dropped) {
    ctx.log(LogLevel::warn,
            "callback: could not delete the link's one-time code: " + dropped.error().message);
  }
}

// Auth.js's Verification redirect plus the address the link was for, so the error page can
// offer a new link with the address filled in. Whoever holds the link already has the address
// (it is in the link), and the error page sends no Referer, so nothing new is disclosed.
// Reported as a sign_in_failed audit event with `reason`.
Response verification_error(const Context& ctx, const std::string& email, AuditReason reason) {
  ctx.audit(AuditKind::sign_in_failed, AuditOutcome::failure, {.reason = reason, .email = email});
  return ctx.redirect(ctx.base_url() + "/error?error=Verification&email=" + form_encode(email));
}

// Why a link that matched no row did not sign in: `reused` when the store keeps the tombstone of
// its consumption under any of the secrets (Store::verification_token_was_used), else
// `unknown_token` (forged, mistyped, voided by a newer link). Asked on this failure path only.
// The answer changes the audit event, never the response; a store failure here is logged and
// reported as unknown_token.
AuditReason missing_link_reason(const Context& ctx, const std::string& identifier,
                                const std::string& token) {
  for (const std::string& secret : ctx.state.config.secrets) {
    auto used = ctx.state.store->verification_token_was_used(identifier,
                                                             crypto::sha256_hex(token + secret));
    if (!used) {
      ctx.log(LogLevel::warn,
              "callback: could not look for a used link's tombstone: " + used.error().message);
      return AuditReason::unknown_token;
    }
    if (*used) return AuditReason::reused;
  }
  return AuditReason::unknown_token;
}

// HEAD never consumes (SPEC B2): mail scanners probe links with it. 200, no body, nothing
// looked up.
Response head_answer(const Context& ctx) {
  Response r = ctx.html(200, std::string());
  add_no_cache_headers(r);
  return r;
}

// "Sign in as <email>?" (SPEC B2). Neither consumes nor looks up the token: a scanner that
// fetches the link learns nothing and spends nothing. The page carries the CSRF token (and its
// cookie when the browser had none) for the POST that consumes.
Response confirm_page(const Context& ctx, const EmailProvider& provider, const std::string& token,
                      const std::string& email) {
  pages::ConfirmPage page;
  page.action_url = ctx.base_url() + "/callback/" + provider.id;
  page.csrf_token = ctx.csrf.token;
  page.token = token;
  page.email = email;
  page.callback_url = ctx.callback_url;
  page.theme = ctx.state.config.theme;
  page.texts = pages::Texts(
      pick_locale(ctx.state.config, ctx.request.header("Accept-Language").value_or("")));
  auto rendered = pages::render_confirm(page);
  Response r = ctx.html(rendered.status, std::move(rendered.html));
  // The page holds a live token: no cache may keep it.
  add_no_cache_headers(r);
  ctx.add_init_cookies(r);
  return r;
}

}  // namespace

Response callback(Context& ctx) {
  const EmailProvider* provider = ctx.state.provider(ctx.provider_id);
  if (provider == nullptr) return ctx.error_redirect(ErrorKind::error, "Configuration");
  if (ctx.request.method == "HEAD") return head_answer(ctx);

  // A POST is a person's action (the confirm button, the code form): CSRF-protected, and
  // answered like Auth.js's other POSTs without a valid pair.
  const bool post = ctx.request.method == "POST";
  if (post) {
    if (!ctx.csrf.verified) {
      ctx.audit(AuditKind::csrf_failed, AuditOutcome::failure, {});
      return ctx.error_redirect(ErrorKind::sign_in, "MissingCSRF");
    }
    if (ctx.body.count("code")) return redeem_code(ctx, *provider);
  }

  // GET reads the link's query; POST its body (the confirm form), then the query.
  const auto read = [&](const char* name) -> std::string {
    if (post) return ctx.param(name).value_or("");
    auto it = ctx.query.find(name);
    return it == ctx.query.end() ? std::string() : it->second;
  };
  const std::string token = read("token");
  const std::string email = read("email");
  if (token.empty() || email.empty()) {
    ctx.audit(AuditKind::sign_in_failed, AuditOutcome::failure,
              {.reason = AuditReason::unknown_token, .email = email});
  }
  if (token.empty()) return ctx.error_redirect(ErrorKind::error, "Configuration");
  // Auth.js's adapters match on identifier AND token; without an email nothing can match.
  if (email.empty()) return ctx.error_redirect(ErrorKind::error, "Verification");

  if (!post && ctx.state.config.redemption.confirm) {
    return confirm_page(ctx, *provider, token, email);
  }

  // Consumed even when expired, like Auth.js, so a leaked expired link cannot be retried.
  // With nothing to decide in between, consuming and signing in take one store call; a link
  // made with an older secret (SPEC C7) is then looked for step by step.
  std::size_t first_secret = 0;
  if (signs_in_without_decision(ctx) && !ctx.state.config.secrets.empty()) {
    const std::string hash = crypto::sha256_hex(token + ctx.state.config.secrets.front());
    auto redeemed = redeem_link_and_sign_in(ctx, *provider, email, hash);
    if (!redeemed) return ctx.store_failed(redeemed.error(), "callback");
    if (redeemed->found) {
      drop_one_time_code(ctx, hash);
      if (!redeemed->signed_in) return verification_error(ctx, email, AuditReason::expired);
      return std::move(*redeemed->signed_in);
    }
    first_secret = 1;
  }
  auto invite = consume_token(ctx, email, token, first_secret);
  if (!invite) return ctx.store_failed(invite.error(), "callback");
  if (!invite->has_value()) {
    return verification_error(ctx, email, missing_link_reason(ctx, email, token));
  }
  drop_one_time_code(ctx, (*invite)->token.token);
  if ((*invite)->token.expires < ctx.now()) {
    return verification_error(ctx, email, AuditReason::expired);
  }
  return complete_sign_in(ctx, *provider, (*invite)->token.identifier, std::move((*invite)->user));
}

}  // namespace linkgate::core::actions
