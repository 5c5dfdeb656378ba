#include "server/webhook_sender.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "core/session_cookie.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "mail/http_client.hpp"
#include "server/webhook_signature.hpp"

namespace linkgate::server {

namespace {

using std::chrono::milliseconds;

// A claim outlasts its try (the timeout) by this, for the store's answers before and after: a
// sender that died mid-try gives its events back this long after their claim.
constexpr milliseconds kLeaseMargin{10000};

TimePoint now_ms() {
  return std::chrono::time_point_cast<milliseconds>(Clock::now());
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "5s", "2m", "1h": how the logs show a wait.
std::string wait_text(milliseconds wait) {
  const auto ms = wait.count();
  if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

WebhookSenderOptions webhook_sender_options(const WebhookSettings& settings) {
  WebhookSenderOptions options;
  options.url = settings.url;
  options.keys = settings.keys;
  options.retry_schedule = settings.retry_schedule;
  options.timeout = settings.timeout;
  options.poll_interval = settings.poll_interval;
  options.retention = settings.retention;
  options.concurrency = settings.concurrency;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  options.owner = std::string(host) + ":" + std::to_string(::getpid()) + ":" +
                  crypto::base64url_encode(crypto::random_bytes(6));
  return options;
}

WebhookSender::WebhookSender(std::shared_ptr<Store> store, WebhookSenderOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

WebhookSender::~WebhookSender() {
  stop();
}

void WebhookSender::start() {
  for (int i = 0; i < std::max(1, options_.concurrency); ++i) {
    workers_.emplace_back([this] { delivery_loop(); });
  }
  claimer_ = std::thread([this] { claim_loop(); });
}

void WebhookSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  claimer_wake_.notify_all();
  workers_wake_.notify_all();
  if (claimer_.joinable()) claimer_.join();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

void WebhookSender::prune() {
  auto deleted = store_->delete_delivered_webhook_events(now_ms() - options_.retention);
  if (!deleted) {
    spdlog::error("webhooks: could not delete old delivered events: {}", deleted.error().message);
  } else if (*deleted > 0) {
    spdlog::info("webhooks: deleted {} delivered events older than the retention", *deleted);
  }
}

void WebhookSender::claim_loop() {
  const int threads = std::max(1, options_.concurrency);
  auto next_prune = std::chrono::steady_clock::now();
  while (true) {
    if (std::chrono::steady_clock::now() >= next_prune) {
      prune();
      next_prune = std::chrono::steady_clock::now() + options_.prune_interval;
    }
    int idle = 0;
    {
      std::unique_lock lock(mutex_);
      claimer_wake_.wait(lock, [&] {
        idle = threads - busy_ - static_cast<int>(claimed_.size());
        return stopping_ || idle > 0;
      });
      if (stopping_) return;
    }
    const TimePoint now = now_ms();
    auto claimed = store_->claim_webhook_events(options_.owner, now,
                                                now + options_.timeout + kLeaseMargin, idle);
    if (!claimed) {
      spdlog::error("webhooks: could not claim due events: {}", claimed.error().message);
    }
    const bool more_due = claimed && static_cast<int>(claimed->size()) == idle;
    std::unique_lock lock(mutex_);
    if (claimed && !claimed->empty()) {
      for (auto& event : *claimed) claimed_.push_back(std::move(event));
      workers_wake_.notify_all();
    }
    // With every idle thread served there may be more due: claim again once one is free.
    if (!more_due) {
      claimer_wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
    }
  }
}

void WebhookSender::delivery_loop() {
  while (true) {
    WebhookEvent event;
    {
      std::unique_lock lock(mutex_);
      workers_wake_.wait(lock, [this] { return stopping_ || !claimed_.empty(); });
      // Stopping: an event claimed but not begun stays pending in the store, and any node
      // tries it once its lease ends.
      if (stopping_) return;
      event = std::move(claimed_.front());
      claimed_.pop_front();
      ++busy_;
    }
    deliver(event);
    {
      std::lock_guard lock(mutex_);
      --busy_;
    }
    claimer_wake_.notify_one();
  }
}

void WebhookSender::deliver(const WebhookEvent& event) {
  const int attempt = event.attempts + 1;
  const std::string body = webhook_body(event.type, core::iso8601(event.created), event.data);
  mail::HttpPost post;
  post.url = options_.url;
  post.body = body;
  post.headers = webhook_headers(event.id, unix_seconds(), body, options_.keys);
  post.headers.emplace_back("Content-Type", "application/json");
  post.headers.emplace_back("User-Agent", "linkgate-webhooks");
  post.connect_timeout = std::min(options_.timeout, milliseconds(5000));
  post.total_timeout = options_.timeout;
  post.max_response_bytes = options_.max_response_bytes;
  const auto started = Clock::now();
  auto answer = mail::http_post(post);
  const auto elapsed = Clock::now() - started;
  const auto took = std::chrono::duration_cast<milliseconds>(elapsed).count();
  const auto tried = [&](WebhookTryOutcome outcome) {
    if (options_.on_try) options_.on_try(outcome, elapsed);
  };

  if (answer && answer->status >= 200 && answer->status < 300) {
    tried(WebhookTryOutcome::delivered);
    if (recorded(event, attempt, "delivered",
                 store_->mark_webhook_delivered(event.id, options_.owner))) {
      spdlog::info("webhook {} {}: delivered, HTTP {}, attempt {}, {} ms", event.id, event.type,
                   answer->status, attempt, took);
    }
    return;
  }
  // Why the try failed: the status, or curl's own text (which names the host and port, never
  // the URL's path, the headers or the body).
  const std::string error =
      answer ? "HTTP " + std::to_string(answer->status) : answer.error().message;
  if (static_cast<std::size_t>(event.attempts) >= options_.retry_schedule.size()) {
    tried(WebhookTryOutcome::failed);
    if (recorded(event, attempt, "failed",
                 store_->mark_webhook_failed(event.id, options_.owner, error))) {
      spdlog::error(
          "webhook {} {}: attempt {} failed ({}): no retry left, kept as failed (`linkgate "
          "webhooks retry {}` sends it again)",
          event.id, event.type, attempt, error, event.id);
    }
    return;
  }
  tried(WebhookTryOutcome::retry);
  const milliseconds wait = options_.retry_schedule[static_cast<std::size_t>(event.attempts)];
  if (recorded(
          event, attempt, "failed",
          store_->mark_webhook_attempt_failed(event.id, options_.owner, error, now_ms() + wait))) {
    spdlog::warn("webhook {} {}: attempt {} failed ({}), next attempt in {}", event.id, event.type,
                 attempt, error, wait_text(wait));
  }
}

bool WebhookSender::recorded(const WebhookEvent& event, int attempt, const char* outcome,
                             const Result<bool>& marked) {
  if (!marked) {
    spdlog::error("webhook {} {}: attempt {} {} but could not be recorded: {}", event.id,
                  event.type, attempt, outcome, marked.error().message);
    return false;
  }
  if (!*marked) {
    spdlog::warn("webhook {} {}: attempt {} {} after its lease ended; another sender owns it now",
                 event.id, event.type, attempt, outcome);
    return false;
  }
  return true;
}

}  // namespace linkgate::server
