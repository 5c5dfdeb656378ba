// Resend (authjs-behaviour.md §6): POST <base>/emails, Bearer <key>, JSON {from, to, subject,
// html, text}. Resend takes "Name <a@b>" in `from`, so the From goes as configured.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "mail/http_attempt.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

class ResendTransport final : public Transport {
 public:
  explicit ResendTransport(HttpProviderOptions options) : options_(std::move(options)) {
    options_.base_url = normalize_base_url(options_.base_url, "https://api.resend.com");
  }

  const std::string& id() const override { return id_; }
  // Its one HTTP call waits through io/waiter.hpp (http_client.hpp).
  bool waits_on_fibers() const override { return true; }

  TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) override {
    if (options_.api_key.empty()) {
      return permanent_failure("resend: no API key configured (AUTH_RESEND_KEY)");
    }
    const boost::json::object body{
        {"from", message.from}, {"to", message.to},     {"subject", message.subject},
        {"html", message.html}, {"text", message.text},
    };
    HttpPost post;
    post.url = options_.base_url + "/emails";
    post.headers = {{"Authorization", "Bearer " + options_.api_key},
                    {"Content-Type", "application/json"},
                    {"Accept", "application/json"}};
    post.body = boost::json::serialize(body);
    post.connect_timeout = options_.connect_timeout;
    post.total_timeout = options_.total_timeout;
    return post_once(id_, std::move(post), time_left, message, options_.api_key);
  }

 private:
  const std::string id_ = "resend";
  HttpProviderOptions options_;
};

}  // namespace

std::shared_ptr<Transport> make_resend_transport(HttpProviderOptions options) {
  return std::make_shared<ResendTransport>(std::move(options));
}

}  // namespace linkgate::mail
