// The GET pages: /signin, /verify-request, /error, /signout, plus /csrf and /providers.
#include <boost/json.hpp>

#include "core/actions/actions.hpp"
#include "core/locale/accept_language.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::actions {

namespace json = boost::json;

namespace {

// The page language the request's Accept-Language picks (English by default).
pages::Texts page_texts(const Context& ctx) {
  return pages::Texts(
      pick_locale(ctx.state.config, ctx.request.header("Accept-Language").value_or("")));
}

}  // namespace

Response signin_page(Context& ctx) {
  // A provider segment on GET /signin is an unknown action in Auth.js (§1).
  if (!ctx.provider_id.empty()) return ctx.error_redirect(ErrorKind::error, "Configuration");
  pages::SigninPage page;
  for (const auto& p : ctx.state.config.providers) {
    page.providers.push_back({p.id, p.name, ctx.base_url() + "/signin/" + p.id});
  }
  page.csrf_token = ctx.csrf.token;
  if (auto it = ctx.query.find("email"); it != ctx.query.end()) page.email = it->second;
  if (auto it = ctx.query.find("error"); it != ctx.query.end()) page.error = it->second;
  if (auto it = ctx.query.find("retryAfter"); it != ctx.query.end()) {
    page.retry_after = pages::parse_retry_after(it->second);
  }
  page.theme = ctx.state.config.theme;
  page.texts = page_texts(ctx);
  auto rendered = pages::render_signin(page);
  Response r = ctx.html(rendered.status, std::move(rendered.html));
  ctx.add_init_cookies(r);
  return r;
}

Response verify_request(Context& ctx) {
  pages::VerifyRequestPage page{ctx.origin, ctx.host(),      ctx.state.config.theme,
                                {},         page_texts(ctx), std::nullopt};
  if (ctx.state.config.dev_outbox_pages) page.outbox_url = ctx.origin + "/dev/outbox";
  const AuthConfig& config = ctx.state.config;
  if (config.redemption.one_time_code && !config.providers.empty()) {
    // The code form posts to the provider the email went through (?provider=), else the first.
    const EmailProvider* provider = nullptr;
    if (auto it = ctx.query.find("provider"); it != ctx.query.end()) {
      provider = ctx.state.provider(it->second);
    }
    if (provider == nullptr) provider = &config.providers.front();
    pages::CodeForm form;
    form.action_url = ctx.base_url() + "/callback/" + provider->id;
    form.csrf_token = ctx.csrf.token;
    form.callback_url = ctx.callback_url;
    if (auto it = ctx.query.find("email"); it != ctx.query.end()) form.email = it->second;
    if (auto it = ctx.query.find("error"); it != ctx.query.end()) form.error = it->second;
    form.digits = config.redemption.code_digits;
    page.code_form = std::move(form);
  }
  auto rendered = pages::render_verify_request(page);
  Response r = ctx.html(rendered.status, std::move(rendered.html));
  ctx.add_init_cookies(r);
  return r;
}

Response error_page(Context& ctx) {
  pages::ErrorPage page;
  if (auto it = ctx.query.find("error"); it != ctx.query.end()) page.error = it->second;
  if (auto it = ctx.query.find("email"); it != ctx.query.end()) page.email = it->second;
  page.signin_url = ctx.base_url() + "/signin";
  page.origin = ctx.origin;
  page.host = ctx.host();
  page.theme = ctx.state.config.theme;
  page.texts = page_texts(ctx);
  auto rendered = pages::render_error(page);
  Response r = ctx.html(rendered.status, std::move(rendered.html));
  ctx.add_init_cookies(r);
  return r;
}

Response signout_page(Context& ctx) {
  std::string action_url = ctx.origin + ctx.request.path;
  if (!ctx.request.query.empty()) action_url += "?" + ctx.request.query;
  auto rendered =
      pages::render_signout({action_url, ctx.csrf.token, ctx.state.config.theme, page_texts(ctx)});
  Response r = ctx.html(rendered.status, std::move(rendered.html));
  ctx.add_init_cookies(r);
  return r;
}

Response csrf(Context& ctx) {
  Response r = ctx.json(200, json::serialize(json::object{{"csrfToken", ctx.csrf.token}}));
  add_no_cache_headers(r);
  ctx.add_init_cookies(r);
  return r;
}

Response providers(Context& ctx) {
  json::object out;
  for (const auto& p : ctx.state.config.providers) {
    out[p.id] = json::object{{"id", p.id},
                             {"name", p.name},
                             {"type", "email"},
                             {"signinUrl", ctx.base_url() + "/signin/" + p.id},
                             {"callbackUrl", ctx.base_url() + "/callback/" + p.id}};
  }
  // Auth.js answers /providers without any Set-Cookie (§1).
  return ctx.json(200, json::serialize(out));
}

}  // namespace linkgate::core::actions
