// Postmark (SPEC P1): the real API, not the provider document's example.
// POST <base>/email with X-Postmark-Server-Token and a PascalCase JSON body.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "mail/http_attempt.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

class PostmarkTransport final : public Transport {
 public:
  explicit PostmarkTransport(HttpProviderOptions options) : options_(std::move(options)) {
    options_.base_url = normalize_base_url(options_.base_url, "https://api.postmarkapp.com");
  }

  const std::string& id() const override { return id_; }
  // Its one HTTP call waits through io/waiter.hpp (http_client.hpp).
  bool waits_on_fibers() const override { return true; }

  TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) override {
    if (options_.api_key.empty()) {
      return permanent_failure("postmark: no API key configured (AUTH_POSTMARK_KEY)");
    }
    // The object only lives until it is serialized: its copies of the message go to a buffer on
    // the stack (the built-in email fits; a larger one spills to the heap), not to one heap
    // allocation per field.
    unsigned char scratch[8192];
    boost::json::monotonic_resource arena(scratch, sizeof scratch);
    const boost::json::object body(
        {
            {"From", message.from},
            {"To", message.to},
            {"Subject", message.subject},
            {"TextBody", message.text},
            {"HtmlBody", message.html},
            {"MessageStream", "outbound"},
        },
        &arena);
    HttpPost post;
    post.url = options_.base_url + "/email";
    post.headers = {{"Accept", "application/json"},
                    {"Content-Type", "application/json"},
                    {"X-Postmark-Server-Token", options_.api_key}};
    post.body = boost::json::serialize(body);
    post.connect_timeout = options_.connect_timeout;
    post.total_timeout = options_.total_timeout;
    return post_once(id_, std::move(post), time_left, message, options_.api_key);
  }

 private:
  const std::string id_ = "postmark";
  HttpProviderOptions options_;
};

}  // namespace

std::shared_ptr<Transport> make_postmark_transport(HttpProviderOptions options) {
  return std::make_shared<PostmarkTransport>(std::move(options));
}

std::shared_ptr<Mailer> make_postmark_mailer(HttpProviderOptions options) {
  return make_single_try_mailer(make_postmark_transport(std::move(options)));
}

}  // namespace linkgate::mail
