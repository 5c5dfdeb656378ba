// SendGrid (authjs-behaviour.md §6): POST <base>/v3/mail/send, Bearer <key>, the v3 JSON shape.
// Auth.js puts the whole From ("Name <a@b>") in from.email, which SendGrid rejects; we send the
// address as `email` and the display name as `name`.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "mail/address.hpp"
#include "mail/http_attempt.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

class SendGridTransport final : public Transport {
 public:
  explicit SendGridTransport(HttpProviderOptions options) : options_(std::move(options)) {
    options_.base_url = normalize_base_url(options_.base_url, "https://api.sendgrid.com");
  }

  const std::string& id() const override { return id_; }
  // Its one HTTP call waits through io/waiter.hpp (http_client.hpp).
  bool waits_on_fibers() const override { return true; }

  TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) override {
    if (options_.api_key.empty()) {
      return permanent_failure("sendgrid: no API key configured (AUTH_SENDGRID_KEY)");
    }
    auto from = parse_mailbox(message.from);
    if (!from) return permanent_failure("sendgrid: the From is invalid: " + from.error().message);
    boost::json::object from_object{{"email", from->address}};
    if (!from->display_name.empty()) from_object["name"] = from->display_name;

    boost::json::object body{
        {"personalizations",
         boost::json::array{boost::json::object{
             {"to", boost::json::array{boost::json::object{{"email", message.to}}}}}}},
        {"from", std::move(from_object)},
        {"subject", message.subject},
        {"content",
         boost::json::array{
             boost::json::object{{"type", "text/plain"}, {"value", message.text}},
             boost::json::object{{"type", "text/html"}, {"value", message.html}},
         }},
    };
    HttpPost post;
    post.url = options_.base_url + "/v3/mail/send";
    post.headers = {{"Authorization", "Bearer " + options_.api_key},
                    {"Content-Type", "application/json"},
                    {"Accept", "application/json"}};
    post.body = boost::json::serialize(body);
    post.connect_timeout = options_.connect_timeout;
    post.total_timeout = options_.total_timeout;
    return post_once(id_, std::move(post), time_left, message, options_.api_key);
  }

 private:
  const std::string id_ = "sendgrid";
  HttpProviderOptions options_;
};

}  // namespace

std::shared_ptr<Transport> make_sendgrid_transport(HttpProviderOptions options) {
  return std::make_shared<SendGridTransport>(std::move(options));
}

}  // namespace linkgate::mail
