// A program that embeds linkgate: email sign-in for one company domain, where the "email" is
// a line appended to a file (or printed) instead of a message sent through a provider.
//
// It shows the two hooks most embedders start with:
// - normalize_identifier: the built-in normalizer, then a rule of our own (only addresses at
//   EMBED_ALLOWED_DOMAIN may sign in; any other gets /signin?error=EmailSignin);
// - send_verification_request: deliver the link our own way.
//
// Environment: AUTH_SECRET (required), PORT (3000; 0 picks one), HOST (127.0.0.1),
// DATABASE_URL (sqlite://embed-example.db), AUTH_URL (optional public URL),
// EMBED_ALLOWED_DOMAIN (example.com), EMBED_LINK_FILE (unset: links go to stdout).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

#include "linkgate/linkgate.hpp"

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::move(fallback);
}

// Our sender: one line per link, "<address> <link>". A real program would hand the link to its
// own mail system. The link is a credential: keep the file private.
linkgate::Result<void> write_link(const std::string& link_file,
                                  const linkgate::VerificationRequest& request) {
  static std::mutex mutex;  // requests are handled on several threads at once
  std::lock_guard lock(mutex);
  if (link_file.empty()) {
    std::printf("sign-in link for %s: %s\n", request.identifier.c_str(), request.url.c_str());
    std::fflush(stdout);
    return {};
  }
  std::ofstream out(link_file, std::ios::app);
  out << request.identifier << ' ' << request.url << '\n';
  out.flush();
  if (!out) return linkgate::Error{"mail", "could not write to EMBED_LINK_FILE"};
  return {};
}

}  // namespace

int main() {
  const std::string secret = env_or("AUTH_SECRET", "");
  if (secret.empty()) {
    std::fprintf(stderr, "embed_example: set AUTH_SECRET (e.g. openssl rand -hex 32)\n");
    return 2;
  }
  const std::string domain = env_or("EMBED_ALLOWED_DOMAIN", "example.com");
  const std::string link_file = env_or("EMBED_LINK_FILE", "");

  auto store = linkgate::open_store(env_or("DATABASE_URL", "sqlite://embed-example.db"));
  if (!store) {
    std::fprintf(stderr, "embed_example: %s\n", store.error().message.c_str());
    return 1;
  }

  linkgate::AuthConfig config;
  config.url = env_or("AUTH_URL", "");
  config.trust_host = config.url.empty();  // a local demo: trust the Host header
  config.secrets = {secret};
  config.log = [](linkgate::LogLevel, const std::string& message) {
    std::fprintf(stderr, "embed_example: %s\n", message.c_str());
  };

  linkgate::EmailProvider provider;
  provider.id = "company";
  provider.name = "Company email";
  provider.normalize_identifier =
      [domain](const std::string& raw) -> linkgate::Result<std::string> {
    auto email = linkgate::default_normalize_identifier(raw);
    if (!email) return email;
    if (!email->ends_with("@" + domain)) {
      return linkgate::Error{"invalid_input", "only @" + domain + " addresses may sign in"};
    }
    return email;
  };
  provider.send_verification_request = [link_file](const linkgate::VerificationRequest& request) {
    return write_link(link_file, request);
  };
  config.providers.push_back(std::move(provider));

  linkgate::Auth auth(std::move(config), *store);
  linkgate::ServerOptions options;
  options.host = env_or("HOST", "127.0.0.1");
  options.port = std::atoi(env_or("PORT", "3000").c_str());
  options.worker_threads = 4;
  linkgate::Server server(auth, *store, options);
  auto port = server.listen();
  if (!port) {
    std::fprintf(stderr, "embed_example: %s\n", port.error().message.c_str());
    return 1;
  }
  // Scripts and tests wait for this line (the same shape `linkgate serve` prints).
  std::printf("embed_example listening on http://%s:%d (sign in at http://%s:%d/api/auth/signin)\n",
              options.host.c_str(), *port, options.host.c_str(), *port);
  std::fflush(stdout);
  server.run();
  return 0;
}
