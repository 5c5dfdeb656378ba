// examples/embed run as a real program over real HTTP: its custom normalizeIdentifier (one
// domain only) and its custom sendVerificationRequest (links written to a file) take effect,
// and following the written link signs in (issue 4, "The C++ embedding API").
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "integration/harness.hpp"

#ifndef LINKGATE_EMBED_EXAMPLE
#define LINKGATE_EMBED_EXAMPLE ""
#endif

namespace linkgate::testing {
namespace {

// Every "<address> <link>" line the example's sender wrote so far.
std::vector<std::pair<std::string, std::string>> written_links(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> links;
  std::ifstream in(path);
  std::string address;
  std::string link;
  while (in >> address >> link) links.emplace_back(address, link);
  return links;
}

class EmbedExample : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_STRNE(LINKGATE_EMBED_EXAMPLE, "") << "the build did not say where embed_example is";
    dir_ = make_temp_dir();
    links_path_ = dir_ + "/links.txt";
    process_ = std::make_unique<LinkgateProcess>(
        LINKGATE_EMBED_EXAMPLE, std::vector<std::string>{},
        std::map<std::string, std::string>{{"AUTH_SECRET", "embed-example-test-secret-0123456789"},
                                           {"DATABASE_URL", "sqlite://" + dir_ + "/embed.db"},
                                           {"EMBED_ALLOWED_DOMAIN", "corp.example"},
                                           {"EMBED_LINK_FILE", links_path_}},
        dir_);
    ASSERT_FALSE(process_->failed()) << process_->logs();
  }

  TestClient client() const { return TestClient(process_->host(), process_->port()); }

  std::string dir_;
  std::string links_path_;
  std::unique_ptr<LinkgateProcess> process_;
};

TEST_F(EmbedExample, CustomNormalizerAndSenderTakeEffectAndTheLinkSignsIn) {
  TestClient browser = client();
  const std::string origin = process_->origin();

  // The custom normalizer refuses another domain: EmailSignin, and nothing is sent.
  auto refused = request_link(browser, "company", "eve@elsewhere.example");
  EXPECT_EQ(refused.status, 302);
  EXPECT_EQ(refused.header("location"), origin + "/api/auth/signin?error=EmailSignin");
  EXPECT_TRUE(written_links(links_path_).empty());

  // It still normalizes like the default before its own rule.
  auto accepted = request_link(browser, "company", "  Ann@Corp.Example ");
  EXPECT_EQ(accepted.header("location"),
            origin + "/api/auth/verify-request?provider=company&type=email");

  // The custom sender got the link.
  auto links = written_links(links_path_);
  ASSERT_EQ(links.size(), 1u) << process_->logs();
  EXPECT_EQ(links[0].first, "ann@corp.example");
  const std::string link = links[0].second;
  EXPECT_EQ(link.rfind(origin + "/api/auth/callback/company?", 0), 0u) << link;
  EXPECT_NE(link.find("email=ann%40corp.example"), std::string::npos);

  // Following it signs in.
  auto callback = browser.get(local_target(link, origin));
  EXPECT_EQ(callback.status, 302);
  EXPECT_EQ(callback.header("location"), origin);
  auto session = session_json(browser);
  ASSERT_TRUE(session.is_object()) << boost::json::serialize(session);
  EXPECT_EQ(session.at("user").at("email"), "ann@corp.example");

  // The link is single use.
  auto reused = browser.get(local_target(link, origin));
  EXPECT_EQ(reused.header("location").rfind(origin + "/api/auth/error?error=Verification", 0), 0u);

  // The log says why a sign-in was refused, without the link or token.
  const std::string logs = process_->logs();
  EXPECT_NE(logs.find("only @corp.example addresses may sign in"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(link), std::string::npos);
}

TEST_F(EmbedExample, StopsCleanlyOnSigterm) {
  EXPECT_EQ(process_->stop(), 0);
}

}  // namespace
}  // namespace linkgate::testing
