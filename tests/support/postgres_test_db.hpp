// The PostgreSQL test cluster that CTest's fixture starts (tests/pg/start_cluster.sh), and fresh,
// isolated databases on it for each test.
#pragma once

#include <string>

namespace linkgate::testing {

// The URL of the test cluster's database. When the cluster is not running, records a test
// failure that says so and returns "" (the PostgreSQL tests fail, never skip).
std::string postgres_cluster_url(const std::string& state_dir = "");

// A DATABASE_URL for a new, empty schema of its own on the test cluster (its search_path), so
// that tests running at the same time never see each other's rows. Not migrated. "" (with a test
// failure) when the cluster is not running.
std::string fresh_postgres_url();

// Runs `sql` (one or more statements) on `url` and returns the first column of the first row of
// the last statement ("" when it returns none). Records a test failure on an error.
std::string postgres_query(const std::string& url, const std::string& sql);

// The state directory of the fixture's cluster (the build tree's pg/).
std::string postgres_state_dir();

// tests/pg, where the scripts that start, stop, replicate and promote clusters are.
std::string postgres_scripts_dir();

// A private cluster of its own, for a test that stops and restarts the database. Started by
// tests/pg/start_cluster.sh on construction (failed() says whether it came up), removed on
// destruction.
class PrivateCluster {
 public:
  PrivateCluster();
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  bool failed() const { return url_.empty(); }
  const std::string& url() const { return url_; }
  // Stops the server (keeping its data and port) / starts it again. True on success.
  bool stop();
  bool start();

 private:
  std::string state_dir_;
  std::string url_;
};

}  // namespace linkgate::testing
