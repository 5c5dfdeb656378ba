// The webhook sender (docs/webhooks.md): delivers the store's outbox of webhook events to
// LINKGATE_WEBHOOK_URL, signed the Standard Webhooks way, on threads of its own (never a
// request's). One thread claims due events from the store (with a lease, so one sender at a time,
// on any node, owns an event) and only as many as there are idle delivery threads; the
// `concurrency` delivery threads each POST one event at a time. A 2xx answer ends an event;
// anything else (another status, a timeout, a refused connection) makes it due again after the
// next wait of `retry_schedule`, and after the last one it is kept as failed. Redirects are not
// followed, each try has a timeout, and at most `max_response_bytes` of an answer are read.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "linkgate/store.hpp"
#include "server/webhook_settings.hpp"

namespace linkgate::server {

// How one try of an event ended: a 2xx answer; no 2xx answer and a retry to come; no 2xx answer
// and no retry left (the event is kept as failed).
enum class WebhookTryOutcome { delivered, retry, failed };

struct WebhookSenderOptions {
  std::string url;
  std::vector<std::string> keys;  // the decoded signing secrets; each signs every delivery
  // The waits before the 2nd, 3rd, … try: an event is failed after 1 + retry_schedule.size().
  std::vector<std::chrono::milliseconds> retry_schedule;
  std::chrono::milliseconds timeout{10000};       // one try, connecting included
  std::chrono::milliseconds poll_interval{1000};  // how often an idle sender looks for due events
  int concurrency = 4;                            // POSTs in flight at most
  std::size_t max_response_bytes = 4096;          // read of an answer, the rest is dropped
  // Delivered events older than this are deleted (Store::delete_delivered_webhook_events), by
  // the claiming thread when it starts and then every prune_interval.
  std::chrono::milliseconds retention = std::chrono::hours(168);
  std::chrono::milliseconds prune_interval = std::chrono::hours(1);
  std::string owner;  // the name of this sender's leases: unique per process
  // Called as each try ends, on its delivery thread (the metrics); unset: nothing. A try counts
  // however its end was recorded in the store.
  std::function<void(WebhookTryOutcome, std::chrono::nanoseconds took)> on_try;
};

// The options for `settings`, with an owner name of this process's own (host, process id and
// random digits).
WebhookSenderOptions webhook_sender_options(const WebhookSettings& settings);

class WebhookSender {
 public:
  WebhookSender(std::shared_ptr<Store> store, WebhookSenderOptions options);
  ~WebhookSender();  // stop()
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void start();
  // Claims no more events, lets the tries in flight finish (each within its timeout) and joins
  // the threads. Nothing is lost: every event not delivered stays pending in the store (one
  // claimed but not begun is tried again, by any node, once its lease ends).
  void stop();

 private:
  void claim_loop();
  // Deletes the delivered events older than options_.retention (logs a failure).
  void prune();
  void delivery_loop();
  void deliver(const WebhookEvent& event);
  // False, after logging why, when the end of a try was not recorded (a store error, or the
  // lease had passed to another sender).
  static bool recorded(const WebhookEvent& event, int attempt, const char* outcome,
                       const Result<bool>& marked);

  std::shared_ptr<Store> store_;
  WebhookSenderOptions options_;
  std::mutex mutex_;
  std::condition_variable claimer_wake_;
  std::condition_variable workers_wake_;
  std::deque<WebhookEvent> claimed_;  // claimed, waiting for an idle delivery thread
  int busy_ = 0;                      // delivery threads in a try
  bool stopping_ = false;
  std::thread claimer_;
  std::vector<std::thread> workers_;
};

}  // namespace linkgate::server
