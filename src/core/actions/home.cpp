// GET / in development (served only while the dev outbox is on): the home page.
#include <boost/json.hpp>

#include "core/actions/actions.hpp"
#include "core/form.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::actions {

namespace json = boost::json;

namespace {

std::string string_member(const json::object& object, std::string_view key) {
  if (auto it = object.find(key); it != object.end() && it->value().is_string()) {
    return std::string(it->value().as_string());
  }
  return {};
}

// The session exactly as GET /session reports it to this browser (null → signed out).
std::optional<pages::HomeSession> read_session(const Response& session_response) {
  boost::system::error_code ec;
  const json::value body = json::parse(session_response.body, ec);
  if (ec || !body.is_object()) return std::nullopt;
  const auto& object = body.as_object();
  auto user = object.find("user");
  if (user == object.end() || !user->value().is_object()) return std::nullopt;
  pages::HomeSession session;
  session.email = string_member(user->value().as_object(), "email");
  session.name = string_member(user->value().as_object(), "name");
  session.expires = string_member(object, "expires");
  return session;
}

}  // namespace

Response home_page(Context& ctx) {
  // Read through the /session action itself, so the home page can never disagree with what an
  // Auth.js client would be told: same lookup, same expiry sliding, same clearing of a dead cookie.
  const Response session_response = session(ctx);

  const std::string home = ctx.origin + "/";
  pages::HomePage page;
  page.session_unavailable = session_response.status != 200;
  if (!page.session_unavailable) page.session = read_session(session_response);
  page.signin_url = ctx.base_url() + "/signin?callbackUrl=" + form_encode(home);
  page.signout_url = ctx.base_url() + "/signout?callbackUrl=" + form_encode(home);
  page.outbox_url = ctx.origin + "/dev/outbox";
  page.session_url = ctx.base_url() + "/session";
  page.theme = ctx.state.config.theme;
  auto rendered = pages::render_home(page);

  Response r = ctx.html(rendered.status, std::move(rendered.html));
  // Per-person content: never cached, by the browser or anything between.
  add_no_cache_headers(r);
  for (const auto& header : session_response.headers) {
    if (header.name == "Set-Cookie") r.add_header(header.name, header.value);
    if (header.name == "Retry-After") r.set_header(header.name, header.value);
  }
  return r;
}

}  // namespace linkgate::core::actions
