#include "server/send_email_hook.hpp"

#include <boost/json.hpp>
#include <utility>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "mail/http_attempt.hpp"
#include "server/hook_call.hpp"

namespace linkgate::server {

namespace {

class SendEmailHookTransport final : public mail::Transport {
 public:
  explicit SendEmailHookTransport(SendEmailHookOptions options) : options_(std::move(options)) {}

  const std::string& id() const override { return id_; }
  // Its one HTTP call waits through io/waiter.hpp (mail/http_client.hpp).
  bool waits_on_fibers() const override { return true; }

  mail::TryOutcome try_send(const EmailMessage& message,
                            std::chrono::milliseconds time_left) override {
    if (options_.keys.empty()) {
      return mail::permanent_failure("webhook: no signing secret (LINKGATE_HOOK_SECRET)");
    }
    boost::json::object data{
        {"to", message.to},           {"from", message.from}, {"subject", message.subject},
        {"text", message.text},       {"html", message.html}, {"url", message.url},
        {"expires", message.expires}, {"host", message.host}, {"locale", message.locale},
    };
    if (!message.code.empty()) data["code"] = message.code;
    mail::HttpPost post =
        signed_hook_post(options_.url, "email.send", data, message_id(message), options_.keys);
    post.connect_timeout = options_.connect_timeout;
    post.total_timeout = options_.total_timeout;
    // The code is scrubbed from errors too, should the app echo the request back.
    return mail::post_once(id_, std::move(post), time_left, message, "", message.code);
  }

 private:
  // Stable for one message (its link is unique), unlinkable to the link without the key.
  std::string message_id(const EmailMessage& message) const {
    const std::string mac = crypto::hmac_sha256(options_.keys.front(), "email.send:" + message.url);
    return "msg_" + crypto::hex_encode(mac).substr(0, 32);
  }

  const std::string id_ = "webhook";
  SendEmailHookOptions options_;
};

}  // namespace

std::shared_ptr<mail::Transport> make_send_email_hook_transport(SendEmailHookOptions options) {
  return std::make_shared<SendEmailHookTransport>(std::move(options));
}

}  // namespace linkgate::server
