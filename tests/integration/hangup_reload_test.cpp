// SIGHUP reloads the email templates (LINKGATE_EMAIL_TEMPLATE_DIR) and the locales
// (LINKGATE_LOCALE_DIR) of a running linkgate: the next email and page show a change; a broken
// file keeps the old set in use, with one log line naming the file; the server never stops.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

class HangupReload : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = make_temp_dir();
    write_file(root_ / "templates" / "subject.mustache", "Sign in, version 1");
    write_file(root_ / "templates" / "text.mustache", "Open {{url}}\n");
    write_file(root_ / "locales" / "fr.json", R"({"signin.heading": "Connexion v1"})");
    server_ = std::make_unique<RunningServer>(std::map<std::string, std::string>{
        {"LINKGATE_EMAIL_TEMPLATE_DIR", (root_ / "templates").string()},
        {"LINKGATE_LOCALE_DIR", (root_ / "locales").string()}});
    ASSERT_FALSE(server_->process().failed()) << server_->process().logs();
  }

  // The subject of the email a new sign-in request gets.
  std::string next_subject() {
    TestClient browser = server_->client();
    auto sent = request_link(browser, "outbox", "jane@example.com");
    EXPECT_EQ(sent.status, 302) << sent.body;
    auto message = newest_outbox_message(browser);
    return json::value_to<std::string>(message["subject"]);
  }

  // The French sign-in page.
  std::string french_page() {
    TestClient browser = server_->client();
    auto page = browser.get("/api/auth/signin", {{"Accept-Language", "fr"}});
    EXPECT_EQ(page.status, 200);
    return page.body;
  }

  // Sends SIGHUP and waits (up to 10 s) for the `count`-th log line that contains `text`.
  bool hang_up_and_wait_for(const std::string& text, int count) {
    if (kill(server_->process().pid(), SIGHUP) != 0) return false;
    for (int i = 0; i < 200; ++i) {
      const std::string logs = server_->process().logs();
      int seen = 0;
      for (auto at = logs.find(text); at != std::string::npos; at = logs.find(text, at + 1)) ++seen;
      if (seen >= count) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  fs::path root_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(HangupReload, TheNextEmailAndPageShowTheChange) {
  EXPECT_EQ(next_subject(), "Sign in, version 1");
  EXPECT_NE(french_page().find("Connexion v1"), std::string::npos);
  write_file(root_ / "templates" / "subject.mustache", "Sign in, version 2");
  write_file(root_ / "locales" / "fr.json", R"({"signin.heading": "Connexion v2"})");
  ASSERT_TRUE(hang_up_and_wait_for("SIGHUP: reloaded templates and locales", 1))
      << server_->process().logs();
  EXPECT_EQ(next_subject(), "Sign in, version 2");
  const std::string page = french_page();
  EXPECT_NE(page.find("Connexion v2"), std::string::npos) << page;
  EXPECT_EQ(page.find("Connexion v1"), std::string::npos);
  EXPECT_TRUE(server_->process().running());
  EXPECT_EQ(server_->process().stop(), 0);
}

TEST_F(HangupReload, ABrokenFileKeepsTheOldSetAndIsNamedInTheLog) {
  // A template that does not parse: the email keeps version 1.
  const fs::path subject = root_ / "templates" / "subject.mustache";
  write_file(subject, "Sign in {{#open}} never closed");
  ASSERT_TRUE(hang_up_and_wait_for("SIGHUP: kept the templates and locales in use", 1))
      << server_->process().logs();
  EXPECT_NE(server_->process().logs().find(subject.string()), std::string::npos)
      << server_->process().logs();
  EXPECT_TRUE(server_->process().running());
  EXPECT_EQ(next_subject(), "Sign in, version 1");

  // A locale that is not JSON, while the template is fixed: nothing of the new set is taken.
  write_file(subject, "Sign in, version 2");
  const fs::path french = root_ / "locales" / "fr.json";
  write_file(french, R"({"signin.heading": "Connexion v2")");
  ASSERT_TRUE(hang_up_and_wait_for("SIGHUP: kept the templates and locales in use", 2))
      << server_->process().logs();
  EXPECT_NE(server_->process().logs().find(french.string()), std::string::npos)
      << server_->process().logs();
  EXPECT_EQ(next_subject(), "Sign in, version 1");
  EXPECT_NE(french_page().find("Connexion v1"), std::string::npos);

  // Fixed: the next SIGHUP takes the whole new set.
  write_file(french, R"({"signin.heading": "Connexion v2"})");
  ASSERT_TRUE(hang_up_and_wait_for("SIGHUP: reloaded templates and locales", 1))
      << server_->process().logs();
  EXPECT_EQ(next_subject(), "Sign in, version 2");
  EXPECT_NE(french_page().find("Connexion v2"), std::string::npos);
  EXPECT_TRUE(server_->process().running());
  EXPECT_EQ(server_->process().stop(), 0);
}

}  // namespace
}  // namespace linkgate::testing
