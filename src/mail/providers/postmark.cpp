// Postmark (SPEC P1): the real API, not the provider document's example.
// POST <base>/email with X-Postmark-Server-Token and a PascalCase JSON body.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "mail/http_client.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

constexpr std::string_view kProvider = "postmark";
constexpr std::string_view kDefaultBase = "https://api.postmarkapp.com";

class PostmarkMailer final : public Mailer {
 public:
  explicit PostmarkMailer(HttpProviderOptions options) : options_(std::move(options)) {
    if (options_.base_url.empty()) options_.base_url = kDefaultBase;
    while (!options_.base_url.empty() && options_.base_url.back() == '/') {
      options_.base_url.pop_back();
    }
  }

  Result<void> send(const EmailMessage& message) override {
    if (options_.api_key.empty()) {
      return Error{"mail", "postmark: no API key configured (AUTH_POSTMARK_KEY)"};
    }
    const boost::json::object body{
        {"From", message.from},     {"To", message.to},         {"Subject", message.subject},
        {"TextBody", message.text}, {"HtmlBody", message.html}, {"MessageStream", "outbound"},
    };
    HttpPost post;
    post.url = options_.base_url + "/email";
    post.headers = {{"Accept", "application/json"},
                    {"Content-Type", "application/json"},
                    {"X-Postmark-Server-Token", options_.api_key}};
    post.body = boost::json::serialize(body);
    post.connect_timeout = options_.connect_timeout;
    post.total_timeout = options_.total_timeout;

    const auto secrets = secrets_for(message, options_.api_key);
    auto response = http_post(post);
    if (!response) return provider_transport_error(kProvider, response.error(), secrets);
    if (response->status < 200 || response->status > 299) {
      return provider_http_error(kProvider, response->status, response->body, secrets);
    }
    return {};
  }

 private:
  HttpProviderOptions options_;
};

}  // namespace

std::shared_ptr<Mailer> make_postmark_mailer(HttpProviderOptions options) {
  return std::make_shared<PostmarkMailer>(std::move(options));
}

}  // namespace linkgate::mail
