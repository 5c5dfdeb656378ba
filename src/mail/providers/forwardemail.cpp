// Forward Email (SPEC P2): POST <base>/v1/emails, HTTP Basic auth with the key as the user name
// and an empty password, and a lowercase JSON body.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "crypto/encoding.hpp"
#include "mail/http_client.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

constexpr std::string_view kProvider = "forwardemail";
constexpr std::string_view kDefaultBase = "https://api.forwardemail.net";

class ForwardEmailMailer final : public Mailer {
 public:
  explicit ForwardEmailMailer(HttpProviderOptions options) : options_(std::move(options)) {
    if (options_.base_url.empty()) options_.base_url = kDefaultBase;
    while (!options_.base_url.empty() && options_.base_url.back() == '/') {
      options_.base_url.pop_back();
    }
    credentials_ = crypto::base64_encode(options_.api_key + ":");
  }

  Result<void> send(const EmailMessage& message) override {
    if (options_.api_key.empty()) {
      return Error{"mail", "forwardemail: no API key configured (AUTH_FORWARDEMAIL_KEY)"};
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

    const auto secrets = secrets_for(message, options_.api_key, {credentials_});
    auto response = http_post(post);
    if (!response) return provider_transport_error(kProvider, response.error(), secrets);
    if (response->status < 200 || response->status > 299) {
      return provider_http_error(kProvider, response->status, response->body, secrets);
    }
    return {};
  }

 private:
  HttpProviderOptions options_;
  std::string credentials_;  // base64(key + ":")
};

}  // namespace

std::shared_ptr<Mailer> make_forwardemail_mailer(HttpProviderOptions options) {
  return std::make_shared<ForwardEmailMailer>(std::move(options));
}

}  // namespace linkgate::mail
