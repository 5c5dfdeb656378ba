#include "server/webhooks_command.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "core/session_cookie.hpp"
#include "server/app.hpp"
#include "server/settings.hpp"

namespace linkgate::server {

namespace {

namespace json = boost::json;

int fail(const std::string& message) {
  std::fprintf(stderr, "linkgate webhooks: %s\n", message.c_str());
  return 1;
}

Result<std::shared_ptr<Store>> open_settings_store(const EnvLookup& env) {
  auto prepared = read_prepared_statements(env);
  if (!prepared) return prepared.error();
  return open_store(read_database_url(env), 1, 1, *prepared);
}

json::object to_json(const WebhookEvent& e) {
  json::object o{{"id", e.id},
                 {"type", e.type},
                 {"status", e.status},
                 {"attempts", e.attempts},
                 {"created", core::iso8601(e.created)},
                 {"next_attempt", core::iso8601(e.next_attempt)},
                 {"last_error", nullptr}};
  if (e.last_error) o["last_error"] = *e.last_error;
  boost::system::error_code ec;
  json::value data = json::parse(e.data, ec);
  o["data"] = ec ? json::value(json::object()) : std::move(data);
  return o;
}

}  // namespace

int webhooks_list(const EnvLookup& env, bool failed_only, bool json_output, int limit) {
  auto store = open_settings_store(env);
  if (!store) return fail(store.error().message);
  auto events = (*store)->list_webhook_events(failed_only, limit);
  if (!events) return fail(events.error().message);
  if (json_output) {
    json::array all;
    for (const WebhookEvent& e : *events) all.push_back(to_json(e));
    std::printf("%s\n", json::serialize(all).c_str());
    return 0;
  }
  for (const WebhookEvent& e : *events) {
    std::printf("%s  %-15s  %-9s  attempts=%d  created=%s  next=%s%s%s\n", e.id.c_str(),
                e.type.c_str(), e.status.c_str(), e.attempts, core::iso8601(e.created).c_str(),
                e.status == "pending" ? core::iso8601(e.next_attempt).c_str() : "-",
                e.last_error ? "  error=" : "", e.last_error ? e.last_error->c_str() : "");
  }
  if (events->empty()) std::printf("no %swebhook events\n", failed_only ? "failed " : "");
  return 0;
}

int webhooks_retry(const EnvLookup& env, const std::optional<std::string>& id) {
  auto store = open_settings_store(env);
  if (!store) return fail(store.error().message);
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  auto changed = (*store)->retry_webhook_events(id, now);
  if (!changed) return fail(changed.error().message);
  if (id && *changed == 0) return fail("no webhook event has the id " + *id);
  std::printf("%lld webhook event%s due again\n", static_cast<long long>(*changed),
              *changed == 1 ? "" : "s");
  return 0;
}

}  // namespace linkgate::server
