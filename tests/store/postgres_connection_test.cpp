// The options linkgate gives libpq when it opens a PostgreSQL connection, on the real cluster.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "store/postgres/connection.hpp"
#include "support/postgres_test_db.hpp"

namespace linkgate::store::postgres {
namespace {

using namespace std::chrono_literals;

std::string gssencmode_of(const std::string& url) {
  auto settings = parse_connect_settings(url, 3s);
  EXPECT_TRUE(settings.ok());
  if (!settings) return "(bad url)";
  auto connection = Connection::open(*settings);
  EXPECT_TRUE(connection.ok()) << connection.error().message;
  if (!connection) return "(no connection)";
  EXPECT_TRUE((*connection)->run_script("SELECT 1", "test").ok());
  return (*connection)->option("gssencmode");
}

// Restores PGGSSENCMODE (unset in the test environment) when a test ends.
class GssEncModeEnv : public ::testing::Test {
 protected:
  void TearDown() override { unsetenv("PGGSSENCMODE"); }
};

TEST_F(GssEncModeEnv, KerberosEncryptionIsNotProbedUnlessAsked) {
  unsetenv("PGGSSENCMODE");
  EXPECT_EQ(gssencmode_of(linkgate::testing::postgres_cluster_url()), "disable");
}

TEST_F(GssEncModeEnv, TheUrlChoosesTheGssEncMode) {
  unsetenv("PGGSSENCMODE");
  const std::string url = linkgate::testing::postgres_cluster_url();
  const char* separator = url.find('?') == std::string::npos ? "?" : "&";
  EXPECT_EQ(gssencmode_of(url + separator + "gssencmode=prefer"), "prefer");
}

TEST_F(GssEncModeEnv, PgGssEncModeInTheEnvironmentIsHonoured) {
  setenv("PGGSSENCMODE", "prefer", 1);
  EXPECT_EQ(gssencmode_of(linkgate::testing::postgres_cluster_url()), "prefer");
}

TEST(PostgresConnection, ConnectionOptionsCanBeReadBack) {
  auto settings = parse_connect_settings(linkgate::testing::postgres_cluster_url(), 3s);
  ASSERT_TRUE(settings.ok());
  auto connection = Connection::open(*settings);
  ASSERT_TRUE(connection.ok()) << connection.error().message;
  EXPECT_EQ((*connection)->option("application_name"), "linkgate");
  EXPECT_EQ((*connection)->option("no_such_option"), "");
}

}  // namespace
}  // namespace linkgate::store::postgres
