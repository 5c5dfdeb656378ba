// linkgate: the server command line. `linkgate serve` runs the server; settings come from the
// environment (README.md lists every variable) and flags that mirror the main ones.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <thread>

#include "linkgate_version.hpp"
#include "server/app.hpp"
#include "server/http_server.hpp"
#include "server/settings.hpp"

// GnuTLS comes into the process with libpq (through libldap) and libcurl (through librtmp), and
// linkgate uses neither of those paths; by default GnuTLS still initializes itself while it is
// being loaded (random generator, system configuration, PKCS #11 modules: 0.8 MiB of resident
// memory). Defining this function in the program is GnuTLS's documented way to turn that off
// (GNUTLS_SKIP_GLOBAL_INIT in gnutls.h): the first library that uses GnuTLS calls
// gnutls_global_init itself, as libldap and librtmp do. The link exports it (CMakeLists.txt) so
// that it takes the place of GnuTLS's own.
extern "C" int _gnutls_global_init_skip() {
  return 1;
}

namespace {

using linkgate::server::EnvLookup;

int serve(const std::map<std::string, std::string>& overrides) {
  EnvLookup base = linkgate::server::process_env();
  EnvLookup env = [&](std::string_view name) -> std::optional<std::string> {
    if (auto it = overrides.find(std::string(name)); it != overrides.end() && !it->second.empty()) {
      return it->second;
    }
    return base(name);
  };
  auto settings = linkgate::server::read_settings(env);
  if (!settings) {
    spdlog::critical("configuration: {}", settings.error().message);
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(settings->log_level));
  auto secret_note = linkgate::server::ensure_secret(*settings);
  if (!secret_note) {
    spdlog::critical("configuration: {}", secret_note.error().message);
    return 2;
  }
  if (!secret_note->empty()) spdlog::warn("{}", *secret_note);

  auto app = linkgate::server::build_app(*settings);
  if (!app) {
    spdlog::critical("startup: {}", app.error().message);
    return 2;
  }

  linkgate::server::HttpServerOptions options;
  options.host = settings->host;
  options.port = settings->port;
  options.io_threads = settings->io_threads > 0
                           ? settings->io_threads
                           : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.worker_threads = settings->worker_threads;
  options.store_threads =
      settings->store_threads > 0
          ? settings->store_threads
          : 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.store_fibers = settings->store_fibers;
  options.sweep_interval = settings->sweep_interval;
  linkgate::server::HttpServer server(*app->auth, app->store, options);
  auto port = server.listen();
  if (!port) {
    spdlog::critical("startup: {}", port.error().message);
    return 1;
  }
  std::string shown_host = settings->host == "0.0.0.0" ? "localhost" : settings->host;
  std::string signin_base = settings->auth_url.empty()
                                ? "http://" + shown_host + ":" + std::to_string(*port) + "/api/auth"
                                : settings->auth_url;
  spdlog::info(
      "session strategy: {}; providers: {}{}{}",
      settings->session_strategy == linkgate::SessionStrategy::jwt ? "jwt" : "database",
      [&] {
        std::string names;
        for (const auto& p : app->auth->config().providers) {
          names += (names.empty() ? "" : ", ") + p.id;
        }
        return names;
      }(),
      settings->outbox
          ? "; dev outbox at http://" + shown_host + ":" + std::to_string(*port) + "/dev/outbox"
          : "",
      settings->production ? "; production mode" : "");
  // Scripts and tests wait for this exact line.
  std::printf("linkgate listening on http://%s:%d (sign in at %s/signin)\n", settings->host.c_str(),
              *port, signin_base.c_str());
  std::fflush(stdout);
  server.run();
  spdlog::info("stopped");
  return 0;
}

// Applies the pending migrations of DATABASE_URL's database; safe to run again (and from several
// nodes at once). Reads only DATABASE_URL, so a migration job needs no other secret.
int migrate(const std::string& database_url_flag) {
  EnvLookup env = linkgate::server::process_env();
  const std::string url =
      database_url_flag.empty() ? linkgate::server::read_database_url(env) : database_url_flag;
  auto applied = linkgate::server::migrate_database(url);
  if (!applied) {
    spdlog::critical("migrate: {}", applied.error().message);
    return 1;
  }
  if (applied->empty()) {
    std::printf("the database is up to date\n");
  } else {
    for (const auto& name : *applied) std::printf("applied %s\n", name.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("linkgate"));
  CLI::App cli{"linkgate: passwordless email sign-in, compatible with Auth.js"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", "linkgate " LINKGATE_VERSION);
  std::map<std::string, std::string> overrides;
  auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP server");
  serve_cmd->add_option("--port", overrides["PORT"], "Port to listen on (PORT)");
  serve_cmd->add_option("--host", overrides["HOST"], "Address to bind (HOST)");
  serve_cmd->add_option("--url", overrides["AUTH_URL"], "Public URL incl. base path (AUTH_URL)");
  serve_cmd->add_option("--database-url", overrides["DATABASE_URL"],
                        "sqlite:///path/to/file.db or postgres://… (DATABASE_URL)");
  serve_cmd->add_option("--session-strategy", overrides["AUTH_SESSION_STRATEGY"],
                        "database or jwt (AUTH_SESSION_STRATEGY)");
  auto* version_cmd = cli.add_subcommand("version", "Print the version");
  std::string migrate_url;
  auto* migrate_cmd =
      cli.add_subcommand("migrate", "Create or upgrade the database schema (idempotent)");
  migrate_cmd->add_option("--database-url", migrate_url,
                          "sqlite:///path/to/file.db or postgres://… (DATABASE_URL)");
  CLI11_PARSE(cli, argc, argv);
  if (version_cmd->parsed()) {
    std::printf("linkgate %s\n", LINKGATE_VERSION);
    return 0;
  }
  if (migrate_cmd->parsed()) return migrate(migrate_url);
  return serve(overrides);
}
