// Integration steps on PostgreSQL: `linkgate migrate` run as a user would, and a database of its
// own on the test cluster for each test.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "support/postgres_test_db.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `linkgate <arguments>` with only DATABASE_URL (and PATH) in its environment.
inline CommandResult run_linkgate(const std::string& arguments, const std::string& database_url) {
  // DATABASE_PREPARED_STATEMENTS too, when the PgBouncer rerun of the tests sets it.
  const char* prepared = std::getenv("DATABASE_PREPARED_STATEMENTS");
  const std::string command =
      "env -i PATH=/usr/bin:/bin DATABASE_URL='" + database_url + "' " +
      (prepared != nullptr ? "DATABASE_PREPARED_STATEMENTS='" + std::string(prepared) + "' "
                           : std::string()) +
      "'" + linkgate_binary() + "' " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    result.output.append(buffer, n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// A fresh database on the test cluster, migrated with `linkgate migrate`.
inline std::string migrated_postgres_url(const std::string& base_url = "") {
  const std::string url = base_url.empty() ? fresh_postgres_url() : base_url;
  if (url.empty()) return "";
  auto migrated = run_linkgate("migrate", url);
  EXPECT_EQ(migrated.exit_code, 0) << migrated.output;
  return url;
}

}  // namespace linkgate::testing
