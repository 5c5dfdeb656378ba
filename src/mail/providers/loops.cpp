// Loops (authjs-behaviour.md §6): POST <base>/api/v1/transactional, Bearer <key>, JSON
// {transactionalId, email, dataVariables:{url}}. The email's template lives in Loops, so the
// subject and bodies built here are not sent; the template must use the `url` variable.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "mail/http_attempt.hpp"
#include "mail/provider_error.hpp"
#include "mail/providers.hpp"

namespace linkgate::mail {

namespace {

class LoopsTransport final : public Transport {
 public:
  explicit LoopsTransport(LoopsOptions options) : options_(std::move(options)) {
    options_.http.base_url = normalize_base_url(options_.http.base_url, "https://app.loops.so");
  }

  const std::string& id() const override { return id_; }
  // Its one HTTP call waits through io/waiter.hpp (http_client.hpp).
  bool waits_on_fibers() const override { return true; }

  TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) override {
    if (options_.http.api_key.empty() || options_.transactional_id.empty()) {
      return permanent_failure(
          "loops: no API key or transactional id configured (AUTH_LOOPS_KEY, "
          "AUTH_LOOPS_TRANSACTIONAL_ID)");
    }
    const boost::json::object body{
        {"transactionalId", options_.transactional_id},
        {"email", message.to},
        {"dataVariables", boost::json::object{{"url", message.url}}},
    };
    HttpPost post;
    post.url = options_.http.base_url + "/api/v1/transactional";
    post.headers = {{"Authorization", "Bearer " + options_.http.api_key},
                    {"Content-Type", "application/json"},
                    {"Accept", "application/json"}};
    post.body = boost::json::serialize(body);
    post.connect_timeout = options_.http.connect_timeout;
    post.total_timeout = options_.http.total_timeout;
    return post_once(id_, std::move(post), time_left, message, options_.http.api_key);
  }

 private:
  const std::string id_ = "loops";
  LoopsOptions options_;
};

}  // namespace

std::shared_ptr<Transport> make_loops_transport(LoopsOptions options) {
  return std::make_shared<LoopsTransport>(std::move(options));
}

}  // namespace linkgate::mail
