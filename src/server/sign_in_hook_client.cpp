#include "server/sign_in_hook_client.hpp"

#include <boost/json.hpp>
#include <utility>

#include "core/session_cookie.hpp"
#include "server/hook_call.hpp"

namespace linkgate::server {

namespace {

Error no_decision(std::string why) {
  return Error{"hook", std::move(why)};
}

boost::json::value user_json(const std::optional<User>& user) {
  if (!user) return nullptr;
  boost::json::object out{{"id", user->id}, {"email", user->email}};
  out["name"] = user->name ? boost::json::value(*user->name) : nullptr;
  out["image"] = user->image ? boost::json::value(*user->image) : nullptr;
  out["email_verified"] =
      user->email_verified ? boost::json::value(core::iso8601(*user->email_verified)) : nullptr;
  return out;
}

class HttpSignInHook final : public SignInHook {
 public:
  explicit HttpSignInHook(SignInHookOptions options) : options_(std::move(options)) {}

  bool waits_on_fibers() const override { return true; }

  Result<SignInDecision> decide(const SignInHookCall& call) override {
    const boost::json::object data{
        {"stage", sign_in_hook_stage_name(call.stage)},
        {"email", call.email},
        {"user", user_json(call.user)},
        {"provider", call.provider},
        {"client_ip", call.client_ip},
    };
    mail::HttpPost post =
        signed_hook_post(options_.url, "sign_in", data, new_hook_id(), options_.keys);
    post.total_timeout = options_.timeout;
    post.connect_timeout = options_.timeout;
    const auto started = std::chrono::steady_clock::now();
    auto answer = mail::http_post(post);
    if (!answer) {
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      return no_decision("no answer after " + std::to_string(took.count()) + " ms (timeout " +
                         std::to_string(options_.timeout.count()) +
                         " ms): " + answer.error().message);
    }
    return read_sign_in_hook_answer(answer->status, answer->body);
  }

 private:
  SignInHookOptions options_;
};

}  // namespace

std::shared_ptr<SignInHook> make_http_sign_in_hook(SignInHookOptions options) {
  return std::make_shared<HttpSignInHook>(std::move(options));
}

Result<SignInDecision> read_sign_in_hook_answer(long status, std::string_view body) {
  if (status < 200 || status > 299) {
    std::string why = "answered HTTP " + std::to_string(status);
    if (status >= 300 && status <= 399) why += " (redirects are not followed)";
    return no_decision(why);
  }
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object())
    return no_decision("answered HTTP " + std::to_string(status) +
                       " with a body that is not a JSON object");
  const boost::json::object& answer = parsed.as_object();
  const boost::json::value* allow = answer.if_contains("allow");
  if (allow == nullptr || !allow->is_bool()) {
    return no_decision("the answer has no boolean \"allow\"");
  }
  const boost::json::value* redirect = answer.if_contains("redirect");
  if (redirect == nullptr || redirect->is_null()) {
    return allow->as_bool() ? SignInDecision::allow() : SignInDecision::deny();
  }
  if (!redirect->is_string() || redirect->as_string().empty()) {
    return no_decision("the answer's \"redirect\" is not a non-empty string");
  }
  if (allow->as_bool()) {
    return no_decision("the answer has a \"redirect\" with \"allow\": true (a redirect refuses)");
  }
  return SignInDecision::redirect_to(std::string(redirect->as_string()));
}

}  // namespace linkgate::server
