#include "support/postgres_test_db.hpp"

#include "support/test_env.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>

namespace linkgate::testing {

std::string postgres_state_dir() {
  // The PgBouncer fixture points the same tests at PgBouncer (tests/pg/start_pgbouncer.sh).
  if (const char* dir = std::getenv("LINKGATE_TEST_PG_STATE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return LINKGATE_TEST_PG_STATE_DIR;
}

std::string postgres_scripts_dir() {
  return LINKGATE_TEST_PG_SCRIPTS;
}

PrivateCluster::PrivateCluster() : state_dir_(make_temp_dir() + "/pg") {
  const std::string command =
      std::string(LINKGATE_TEST_PG_SCRIPTS) + "/start_cluster.sh '" + state_dir_ + "' >/dev/null";
  if (std::system(command.c_str()) != 0) {
    ADD_FAILURE() << "tests/pg/start_cluster.sh could not start a private cluster";
    return;
  }
  url_ = postgres_cluster_url(state_dir_);
}

PrivateCluster::~PrivateCluster() {
  const std::string command =
      std::string(LINKGATE_TEST_PG_SCRIPTS) + "/stop_cluster.sh '" + state_dir_ + "'";
  if (std::system(command.c_str()) != 0) ADD_FAILURE() << "stop_cluster.sh failed";
}

bool PrivateCluster::stop() {
  const std::string command =
      std::string(LINKGATE_TEST_PG_SCRIPTS) + "/cluster_ctl.sh '" + state_dir_ + "' stop";
  return std::system(command.c_str()) == 0;
}

bool PrivateCluster::start() {
  const std::string command =
      std::string(LINKGATE_TEST_PG_SCRIPTS) + "/cluster_ctl.sh '" + state_dir_ + "' start";
  return std::system(command.c_str()) == 0;
}

std::string postgres_cluster_url(const std::string& state_dir) {
  const std::string dir = state_dir.empty() ? postgres_state_dir() : state_dir;
  std::ifstream in(dir + "/url");
  std::string url;
  std::getline(in, url);
  if (url.empty()) {
    ADD_FAILURE() << "the PostgreSQL test cluster is not running (no " << dir
                  << "/url): run the tests with ctest, whose pg_cluster_start fixture starts it "
                     "(tests/pg/start_cluster.sh), and see that test's output for why it failed";
  }
  return url;
}

std::string postgres_query(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string value;
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "connect to the test cluster: " << PQerrorMessage(conn);
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    PGresult* result = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      ADD_FAILURE() << "SQL failed: " << PQerrorMessage(conn) << "\n" << sql;
    } else if (status == PGRES_TUPLES_OK && PQntuples(result) > 0 && !PQgetisnull(result, 0, 0)) {
      value = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
  }
  PQfinish(conn);
  return value;
}

std::string fresh_postgres_url() {
  const std::string base = postgres_cluster_url();
  if (base.empty()) return "";
  static std::atomic<int> counter = 0;
  std::random_device random;
  const std::string schema =
      "t_" + std::to_string(random() % 1000000000) + "_" + std::to_string(counter++);
  // Behind PgBouncer, which refuses the `options` parameter, a database of its own instead.
  std::ifstream isolation(postgres_state_dir() + "/isolation");
  std::string kind;
  std::getline(isolation, kind);
  if (kind == "database") {
    // FILE_COPY: the copy is not written to the WAL as well (half the disk to write and remove).
    postgres_query(base, "CREATE DATABASE " + schema + " STRATEGY FILE_COPY");
    const auto slash = base.find('/', base.find('@'));
    const auto query = base.find('?', slash);
    return base.substr(0, slash + 1) + schema +
           (query == std::string::npos ? "" : base.substr(query));
  }
  postgres_query(base, "CREATE SCHEMA " + schema);
  // libpq's URI syntax takes any connection keyword as a query parameter: here the server
  // option that puts the schema first on the search path.
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

}  // namespace linkgate::testing
