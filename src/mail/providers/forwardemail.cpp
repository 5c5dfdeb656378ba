// Forward Email (SPEC P2): POST <base>/v1/emails, HTTP Basic auth with the key as the user name
// and an empty password, and a lowercase JSON body.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "crypto/encoding.hpp"
#include "mail/http_attempt.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

class ForwardEmailTransport final : public Transport {
 public:
  explicit ForwardEmailTransport(HttpProviderOptions options) : options_(std::move(options)) {
    options_.base_url = normalize_base_url(options_.base_url, "https://api.forwardemail.net");
    credentials_ = crypto::base64_encode(options_.api_key + ":");
  }

  const std::string& id() const override { return id_; }
  // Its one HTTP call waits through io/waiter.hpp (http_client.hpp).
  bool waits_on_fibers() const override { return true; }

  TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) override {
    if (options_.api_key.empty()) {
      return permanent_failure("forwardemail: no API key configured (AUTH_FORWARDEMAIL_KEY)");
    }
    const boost::json::object body{
        {"from", message.from}, {"to", message.to},     {"subject", message.subject},
        {"html", message.html}, {"text", message.text},
    };
    HttpPost post;
    post.url = options_.base_url + "/v1/emails";
    post.headers = {{"Authorization", "Basic " + credentials_},
                    {"Content-Type", "application/json"},
                    {"Accept", "application/json"}};
    post.body = boost::json::serialize(body);
    post.connect_timeout = options_.connect_timeout;
    post.total_timeout = options_.total_timeout;
    return post_once(id_, std::move(post), time_left, message, options_.api_key, credentials_);
  }

 private:
  const std::string id_ = "forwardemail";
  HttpProviderOptions options_;
  std::string credentials_;  // base64(key + ":")
};

}  // namespace

std::shared_ptr<Transport> make_forwardemail_transport(HttpProviderOptions options) {
  return std::make_shared<ForwardEmailTransport>(std::move(options));
}

std::shared_ptr<Mailer> make_forwardemail_mailer(HttpProviderOptions options) {
  return make_single_try_mailer(make_forwardemail_transport(std::move(options)));
}

}  // namespace linkgate::mail
