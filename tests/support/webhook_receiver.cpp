#include "support/webhook_receiver.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string_view>
#include <thread>

#include "support/test_env.hpp"

namespace linkgate::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kFixDeps =
    "run `make webhooks-deps` (installs node/npm if missing and runs npm ci in tests/webhooks)";

std::optional<fs::path> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest(path);
  while (true) {
    const auto colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / program;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

WebhookReceiver::WebhookReceiver(std::string secrets, int port, bool hang)
    : record_path_(make_temp_dir() + "/deliveries.jsonl") {
  start(secrets, port, hang);
}

WebhookReceiver::WebhookReceiver(std::string secrets, int port, bool hang, std::string record_path)
    : record_path_(std::move(record_path)) {
  start(secrets, port, hang);
}

void WebhookReceiver::start(const std::string& secrets, int port, bool hang) {
  const fs::path dir = fs::path(source_dir()) / "tests" / "webhooks";
  const auto node = find_on_path("node");
  if (!node) {
    error_ = "node is not on PATH; " + std::string(kFixDeps);
    return;
  }
  if (!fs::exists(dir / "node_modules" / "standardwebhooks" / "package.json")) {
    error_ = (dir / "node_modules").string() + " has no standardwebhooks; " + std::string(kFixDeps);
    return;
  }
  std::vector<std::string> args{(dir / "receiver.mjs").string(), record_path_, std::to_string(port),
                                secrets};
  if (hang) args.emplace_back("--hang");
  process_ = std::make_unique<LinkgateProcess>(node->string(), std::move(args),
                                               std::map<std::string, std::string>{});
  if (process_->failed()) error_ = "the receiver did not start: " + process_->logs();
}

WebhookReceiver::~WebhookReceiver() {
  stop();
}

void WebhookReceiver::stop() {
  if (process_) process_->stop();
}

std::vector<ReceivedWebhook> WebhookReceiver::received() const {
  std::vector<ReceivedWebhook> out;
  std::ifstream in(record_path_);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    const json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) continue;  // a line being written right now
    const auto& o = v.as_object();
    ReceivedWebhook r;
    r.id = text_of(o, "id");
    r.type = text_of(o, "type");
    r.timestamp = text_of(o, "timestamp");
    if (const auto* verified = o.if_contains("verified"); verified && verified->is_bool()) {
      r.verified = verified->as_bool();
    }
    if (const auto* data = o.if_contains("data"); data && data->is_object()) {
      r.data = data->as_object();
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ReceivedWebhook> WebhookReceiver::wait_for(std::size_t count,
                                                       std::chrono::milliseconds limit) const {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    auto all = received();
    if (all.size() >= count) return all;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return received();
}

std::string program_on_path(const std::string& program) {
  const auto found = find_on_path(program);
  return found ? found->string() : std::string();
}

int unused_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace linkgate::testing
