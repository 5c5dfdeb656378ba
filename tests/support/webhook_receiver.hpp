// The test receiver of webhook deliveries: runs `node tests/webhooks/receiver.mjs`, which checks
// every delivery with the npm package standardwebhooks (the scheme's reference implementation,
// never linkgate's code) and records it. Its node_modules come from `make webhooks-deps`; without
// them (or without node) the receiver fails to start and says why, so a test fails, never skips.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "support/linkgate_process.hpp"

namespace linkgate::testing {

// One delivery as the receiver saw it.
struct ReceivedWebhook {
  std::string id;            // the webhook-id header
  std::string type;          // the payload's "type" (empty when it did not verify)
  bool verified = false;     // verified with EVERY secret the receiver was given
  boost::json::object data;  // the payload's "data"
  std::string timestamp;     // the payload's "timestamp"
};

class WebhookReceiver {
 public:
  // Starts the receiver on 127.0.0.1:`port` (0: a free one) verifying with each of the
  // space-separated `secrets` (whsec_…). With `hang`, it reads requests and never answers.
  explicit WebhookReceiver(std::string secrets, int port = 0, bool hang = false);
  // The same, appending to an existing record file (a receiver restarted on the same port).
  WebhookReceiver(std::string secrets, int port, bool hang, std::string record_path);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  // Empty when it runs; otherwise why it did not start (missing node or node_modules, …).
  const std::string& error() const { return error_; }
  int port() const { return process_ ? process_->port() : 0; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/webhooks"; }
  const std::string& record_path() const { return record_path_; }
  // Stops it (SIGTERM); the record stays readable.
  void stop();

  // Every delivery recorded so far, in arrival order.
  std::vector<ReceivedWebhook> received() const;
  // Waits up to `limit` until at least `count` deliveries are recorded; returns them all.
  std::vector<ReceivedWebhook> wait_for(
      std::size_t count, std::chrono::milliseconds limit = std::chrono::seconds(20)) const;

 private:
  void start(const std::string& secrets, int port, bool hang);

  std::string record_path_;
  std::string error_;
  std::unique_ptr<LinkgateProcess> process_;
};

// A loopback port nothing listens on at the moment of the call.
int unused_loopback_port();

// The first executable `program` on PATH, or "" when there is none.
std::string program_on_path(const std::string& program);

}  // namespace linkgate::testing
