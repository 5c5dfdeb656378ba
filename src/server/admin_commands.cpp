#include "server/admin_commands.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <variant>
#include <vector>

#include "core/identifier.hpp"
#include "core/session_cookie.hpp"
#include "server/app.hpp"
#include "server/audit_log.hpp"

namespace linkgate::server {

namespace {

namespace json = boost::json;

TimePoint now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
}

void print_json(const json::value& value) {
  std::printf("%s\n", json::serialize(value).c_str());
}

// The log line of every admin command, and its admin_command audit line (server/audit_log.hpp):
// its name, outcome and the address it was given as its keyed hash (the plain address only with
// LINKGATE_LOG_EMAILS), as the server's audit lines write it; never a token or a link.
void log_run(const Settings& settings, const AdminCommand& command, std::string_view outcome) {
  spdlog::info("admin command run: {} ({})", command.name, outcome);
  AuditEvent event;
  event.kind = AuditKind::admin_command;
  event.outcome = outcome.starts_with("ok") ? AuditOutcome::success : AuditOutcome::failure;
  event.time = now();
  event.detail = command.name;
  if (command.email) {
    if (auto email = core::normalize_identifier(*command.email)) event.email = std::move(*email);
  }
  // Without a secret there is no key: the address is then left out.
  if (settings.secrets.empty() && !settings.log_emails) event.email.clear();
  make_audit_log_sink(settings.secrets.empty() ? std::string() : settings.secrets.front(),
                      settings.log_emails)
      ->record(event);
}

int fail(const Settings& settings, const AdminCommand& command, AdminExit code,
         const std::string& kind, const std::string& message) {
  std::fprintf(stderr, "linkgate %s: %s\n", command.name.c_str(), message.c_str());
  if (command.json) {
    print_json(json::object{{"error", json::object{{"kind", kind}, {"message", message}}}});
  }
  log_run(settings, command, "failed: " + kind);
  return code;
}

// Bad input and settings are the caller's to fix (2); anything else is the database's (3).
int fail_with(const Settings& settings, const AdminCommand& command, const Error& error) {
  const bool input = error.kind == "invalid_input" || error.kind == "configuration";
  return fail(settings, command, input ? kAdminBadInput : kAdminStoreFailed, error.kind,
              error.message);
}

json::object user_json(const User& user) {
  json::object out{{"id", user.id}, {"email", user.email}};
  out["name"] = user.name ? json::value(*user.name) : json::value(nullptr);
  out["email_verified"] =
      user.email_verified ? json::value(core::iso8601(*user.email_verified)) : json::value(nullptr);
  out["image"] = user.image ? json::value(*user.image) : json::value(nullptr);
  return out;
}

Result<std::shared_ptr<Store>> open_settings_store(const Settings& settings) {
  return open_store(settings.database_url, settings.database_pool_size, settings.database_batches,
                    settings.database_prepared_statements);
}

// The data of the session.deleted events a command writes, when that event is turned on.
std::optional<std::string> session_event_data(const Settings& settings,
                                              const AdminCommand& command) {
  const auto& events = settings.webhook.events;
  if (std::find(events.begin(), events.end(), "session.deleted") == events.end()) {
    return std::nullopt;
  }
  return json::serialize(
      json::object{{"strategy", "database"}, {"source", "admin"}, {"command", command.name}});
}

// The users of the command's address (normalized), oldest first; an exit code when there is none
// or the lookup failed.
struct UsersOf {
  std::string email;
  std::shared_ptr<Store> store;
  std::vector<User> users;
};

std::variant<UsersOf, int> users_of(const Settings& settings, const AdminCommand& command) {
  auto email = core::normalize_identifier(command.email.value_or(""));
  if (!email) {
    return fail(settings, command, kAdminBadInput, "invalid_input",
                "not a valid email address: " + email.error().message);
  }
  auto store = open_settings_store(settings);
  if (!store) return fail_with(settings, command, store.error());
  auto users = (*store)->list_users(*email, 1000);
  if (!users) return fail_with(settings, command, users.error());
  if (users->empty()) {
    return fail(settings, command, kAdminNoSuchUser, "not_found",
                "no user has the address " + *email);
  }
  return UsersOf{*email, *store, std::move(*users)};
}

int users_list(const Settings& settings, const AdminCommand& command) {
  std::optional<std::string> email;
  if (command.email) {
    auto normalized = core::normalize_identifier(*command.email);
    if (!normalized) {
      return fail(settings, command, kAdminBadInput, "invalid_input",
                  "not a valid email address: " + normalized.error().message);
    }
    email = *normalized;
  }
  auto store = open_settings_store(settings);
  if (!store) return fail_with(settings, command, store.error());
  auto users = (*store)->list_users(email, command.limit);
  if (!users) return fail_with(settings, command, users.error());
  if (command.json) {
    json::array out;
    for (const User& user : *users) out.push_back(user_json(user));
    print_json(json::object{{"users", std::move(out)}});
  } else {
    for (const User& user : *users) {
      std::printf("%s  %s  %s\n", user.id.c_str(), user.email.c_str(),
                  user.email_verified ? ("verified " + core::iso8601(*user.email_verified)).c_str()
                                      : "not verified");
    }
    std::printf("%zu user%s\n", users->size(), users->size() == 1 ? "" : "s");
  }
  log_run(settings, command, "ok");
  return kAdminOk;
}

int users_delete(const Settings& settings, const AdminCommand& command) {
  auto found = users_of(settings, command);
  if (auto* code = std::get_if<int>(&found)) return *code;
  UsersOf& of = std::get<UsersOf>(found);
  const auto event_data = session_event_data(settings, command);
  json::array deleted;
  for (const User& user : of.users) {
    auto removed = of.store->delete_user(user.id, now(), event_data);
    if (!removed) return fail_with(settings, command, removed.error());
    if (!*removed) continue;  // deleted meanwhile by someone else
    const UserDeletion& d = **removed;
    if (!command.json) {
      std::printf(
          "deleted user %s (%s): %lld session%s, %lld account%s, %lld sign-in link%s, %lld "
          "one-time code%s\n",
          d.user.id.c_str(), d.user.email.c_str(), static_cast<long long>(d.sessions),
          d.sessions == 1 ? "" : "s", static_cast<long long>(d.accounts),
          d.accounts == 1 ? "" : "s", static_cast<long long>(d.verification_tokens),
          d.verification_tokens == 1 ? "" : "s", static_cast<long long>(d.one_time_codes),
          d.one_time_codes == 1 ? "" : "s");
    }
    deleted.push_back(json::object{{"user", user_json(d.user)},
                                   {"sessions", d.sessions},
                                   {"accounts", d.accounts},
                                   {"verification_tokens", d.verification_tokens},
                                   {"one_time_codes", d.one_time_codes}});
  }
  if (command.json) print_json(json::object{{"deleted", std::move(deleted)}});
  log_run(settings, command, "ok");
  return kAdminOk;
}

int sessions_revoke(const Settings& settings, const AdminCommand& command) {
  auto found = users_of(settings, command);
  if (auto* code = std::get_if<int>(&found)) return *code;
  UsersOf& of = std::get<UsersOf>(found);
  const auto event_data = session_event_data(settings, command);
  std::int64_t revoked = 0;
  json::array ids;
  for (const User& user : of.users) {
    auto deleted = of.store->delete_user_sessions(user.id, now(), event_data);
    if (!deleted) return fail_with(settings, command, deleted.error());
    revoked += *deleted;
    ids.push_back(json::value(user.id));
  }
  const bool jwt = settings.session_strategy == SessionStrategy::jwt;
  if (command.json) {
    print_json(json::object{{"email", of.email},
                            {"users", std::move(ids)},
                            {"sessions_revoked", revoked},
                            {"session_strategy", jwt ? "jwt" : "database"}});
  } else {
    std::printf("revoked %lld database session%s of %s\n", static_cast<long long>(revoked),
                revoked == 1 ? "" : "s", of.email.c_str());
    if (jwt) {
      std::printf(
          "note: AUTH_SESSION_STRATEGY=jwt: JWT sessions are not kept in the database and stay "
          "valid until they expire; rotate AUTH_SECRET to end them all (docs/operations.md)\n");
    }
  }
  log_run(settings, command, "ok");
  return kAdminOk;
}

int link(const Settings& settings, const AdminCommand& command) {
  auto app = build_app(settings);
  if (!app) return fail_with(settings, command, app.error());
  auto made = app->auth->make_sign_in_link(command.email.value_or(""), command.callback_url);
  if (!made) return fail_with(settings, command, made.error());
  if (command.json) {
    print_json(json::object{{"url", made->url},
                            {"email", made->identifier},
                            {"provider", made->provider_id},
                            {"callback_url", made->callback_url},
                            {"expires", core::iso8601(made->expires)}});
  } else {
    std::printf("%s\n", made->url.c_str());
    std::printf("for %s, lands on %s, valid until %s; anyone with this link can sign in as them\n",
                made->identifier.c_str(), made->callback_url.c_str(),
                core::iso8601(made->expires).c_str());
  }
  log_run(settings, command, "ok: a link valid until " + core::iso8601(made->expires));
  return kAdminOk;
}

}  // namespace

int run_admin_command(const Settings& settings, const AdminCommand& command) {
  if (command.name == "users list") return users_list(settings, command);
  if (command.name == "users delete") return users_delete(settings, command);
  if (command.name == "sessions revoke") return sessions_revoke(settings, command);
  if (command.name == "link") return link(settings, command);
  return fail(settings, command, kAdminBadInput, "invalid_input", "unknown admin command");
}

}  // namespace linkgate::server
