// Wiring: from Settings to a ready Auth (store opened, providers built).
#pragma once

#include <memory>
#include <string>

#include "linkgate/auth.hpp"
#include "linkgate/result.hpp"
#include "server/settings.hpp"

namespace linkgate::server {

struct App {
  std::shared_ptr<Store> store;
  std::unique_ptr<Auth> auth;
};

// Parses DATABASE_URL: "sqlite:///abs/path.db", "sqlite://relative.db", "sqlite:path.db".
// Returns the file path, or an Error naming what is unsupported.
Result<std::string> sqlite_path_from_url(const std::string& url);

// Opens the store and builds the providers. REQUIRES: settings.secrets is not empty.
Result<App> build_app(const Settings& settings);

}  // namespace linkgate::server
