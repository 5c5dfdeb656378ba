// Mailgun (authjs-behaviour.md §6, SPEC P3): POST <base>/v3/<domain>/messages with HTTP Basic
// "api:<key>" and form fields from, to, subject, html, text. Fixes Auth.js's bugs: the domain is
// the From address's domain (not everything after the first '@', which keeps a trailing '>'),
// the configured From is sent as is (display name kept, not replaced by "Mailgun"), and the
// region picks the API host.
#include <string>
#include <utility>

#include "core/form.hpp"
#include "crypto/encoding.hpp"
#include "mail/address.hpp"
#include "mail/http_attempt.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

class MailgunTransport final : public Transport {
 public:
  explicit MailgunTransport(MailgunOptions options) : options_(std::move(options)) {
    options_.http.base_url =
        normalize_base_url(options_.http.base_url, mailgun_api_base(options_.region));
    credentials_ = crypto::base64_encode("api:" + options_.http.api_key);
  }

  const std::string& id() const override { return id_; }
  // Its one HTTP call waits through io/waiter.hpp (http_client.hpp).
  bool waits_on_fibers() const override { return true; }

  TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) override {
    if (options_.http.api_key.empty()) {
      return permanent_failure("mailgun: no API key configured (AUTH_MAILGUN_KEY)");
    }
    auto from = parse_mailbox(message.from);
    if (!from) {
      return permanent_failure("mailgun: no sending domain in the From: " + from.error().message);
    }
    std::string body;
    for (const auto& [name, value] :
         {std::pair<const char*, const std::string&>{"from", message.from},
          {"to", message.to},
          {"subject", message.subject},
          {"html", message.html},
          {"text", message.text}}) {
      if (!body.empty()) body += '&';
      body += name;
      body += '=';
      body += core::form_encode(value);
    }
    HttpPost post;
    post.url = options_.http.base_url + "/v3/" + core::form_encode(from->domain()) + "/messages";
    post.headers = {{"Authorization", "Basic " + credentials_},
                    {"Content-Type", "application/x-www-form-urlencoded"},
                    {"Accept", "application/json"}};
    post.body = std::move(body);
    post.connect_timeout = options_.http.connect_timeout;
    post.total_timeout = options_.http.total_timeout;
    return post_once(id_, std::move(post), time_left, message, options_.http.api_key, credentials_);
  }

 private:
  const std::string id_ = "mailgun";
  MailgunOptions options_;
  std::string credentials_;  // base64("api:" + key)
};

}  // namespace

std::string mailgun_api_base(std::string_view region) {
  return region == "EU" || region == "eu" ? "https://api.eu.mailgun.net"
                                          : "https://api.mailgun.net";
}

std::shared_ptr<Transport> make_mailgun_transport(MailgunOptions options) {
  return std::make_shared<MailgunTransport>(std::move(options));
}

}  // namespace linkgate::mail
