// Custom email templates (LINKGATE_EMAIL_TEMPLATE_DIR) and locales (LINKGATE_LOCALE_DIR)
// through the built binary: the outbox message, the pages per Accept-Language, and a broken
// template that stops the server at startup with its file and line.
#include <filesystem>
#include <fstream>

#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// A template dir (subject, text and html) and a locale dir with French texts and a French
// subject; the French text and html come from the template dir.
struct TemplateFiles {
  std::string templates;
  std::string locales;
  TemplateFiles() {
    const fs::path root = make_temp_dir();
    templates = (root / "templates").string();
    locales = (root / "locales").string();
    write_file(root / "templates" / "subject.mustache", "Your {{host}} link\n");
    write_file(root / "templates" / "text.mustache",
               "Open {{url}}\nValid until {{expires}}.\nCode: [{{code}}]\n");
    write_file(root / "templates" / "html.mustache",
               "<p style=\"color:{{theme.brandColor}}\"><a href=\"{{url}}\">Go</a></p>\n");
    write_file(root / "locales" / "fr.json",
               R"({"signin.title": "Connexion", "signin.heading": "Se connecter",
                   "signin.button": "Continuer avec {provider}",
                   "verify.heading": "Vérifiez vos e-mails"})");
    write_file(root / "locales" / "fr" / "subject.mustache", "Connexion à {{host}}");
  }
};

std::string field(json::object& message, const char* name) {
  return json::value_to<std::string>(message[name]);
}

HttpResponse request_link_in(TestClient& client, const std::string& language) {
  const std::string csrf = client.csrf_token();
  return client.post_form("/api/auth/signin/outbox",
                          {{"csrfToken", csrf}, {"email", "jane@example.com"}},
                          {{"Accept-Language", language}});
}

TEST(TemplatesLocale, CustomTemplatesMakeTheEmail) {
  TemplateFiles files;
  RunningServer server({{"LINKGATE_EMAIL_TEMPLATE_DIR", files.templates},
                        {"LINKGATE_LOCALE_DIR", files.locales},
                        {"AUTH_THEME_BRAND_COLOR", "#aa3300"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  const std::string host = "127.0.0.1:" + std::to_string(server.process().port());

  auto sent = request_link_in(browser, "en-US,en;q=0.9");
  ASSERT_EQ(sent.status, 302) << sent.body;
  auto message = newest_outbox_message(browser);
  EXPECT_EQ(field(message, "subject"), "Your " + host + " link");
  const std::string link = field(message, "url");
  const std::string text = field(message, "text");
  EXPECT_EQ(text.rfind("Open " + link + "\nValid until 20", 0), 0u) << text;
  EXPECT_NE(text.find("Z.\nCode: []\n"), std::string::npos) << text;
  std::string escaped_link = link;
  for (std::size_t pos = 0; (pos = escaped_link.find('&', pos)) != std::string::npos; pos += 5) {
    escaped_link.replace(pos, 1, "&amp;");
  }
  EXPECT_EQ(field(message, "html"),
            "<p style=\"color:#aa3300\"><a href=\"" + escaped_link + "\">Go</a></p>\n");

  // French: the French subject; the text and html of the template dir.
  auto french = request_link_in(browser, "fr-FR, fr;q=0.9, en;q=0.5");
  ASSERT_EQ(french.status, 302) << french.body;
  auto message_fr = newest_outbox_message(browser);
  EXPECT_EQ(field(message_fr, "subject"), "Connexion à " + host);
  EXPECT_EQ(field(message_fr, "text").rfind("Open ", 0), 0u);
}

TEST(TemplatesLocale, PagesFollowAcceptLanguage) {
  TemplateFiles files;
  RunningServer server({{"LINKGATE_LOCALE_DIR", files.locales}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();

  auto fr = browser.get("/api/auth/signin", {{"Accept-Language", "fr"}});
  EXPECT_EQ(fr.status, 200);
  EXPECT_NE(fr.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(fr.body.find("<title>Connexion</title>"), std::string::npos);
  EXPECT_NE(fr.body.find("<h1>Se connecter</h1>"), std::string::npos);
  EXPECT_NE(fr.body.find("Continuer avec Dev Outbox"), std::string::npos) << fr.body;
  EXPECT_NE(fr.body.find(">Email</label>"), std::string::npos);  // not translated: English

  auto verify = browser.get("/api/auth/verify-request?provider=outbox&type=email",
                            {{"Accept-Language", "de;q=0.9, fr-CA;q=0.8"}});
  EXPECT_NE(verify.body.find("Vérifiez vos e-mails"), std::string::npos);

  for (const char* language : {"", "en-GB", "ja", "*", "fr;q=0"}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (*language != '\0') headers.emplace_back("Accept-Language", language);
    auto en = browser.get("/api/auth/signin", headers);
    EXPECT_NE(en.body.find("<h1>Sign in</h1>"), std::string::npos) << language;
    EXPECT_NE(en.body.find("Sign in with Dev Outbox"), std::string::npos) << language;
  }
}

TEST(TemplatesLocale, BrokenTemplateStopsTheServerWithFileAndLine) {
  const fs::path dir = fs::path(make_temp_dir()) / "templates";
  write_file(dir / "subject.mustache", "Sign in to {{host}}");
  write_file(dir / "html.mustache", "<p>\n<a href=\"{{url}}\">\n{{#theme}}Sign in</a>\n");
  RunningServer server({{"LINKGATE_EMAIL_TEMPLATE_DIR", dir.string()}});
  ASSERT_TRUE(server.process().failed());
  const std::string logs = server.process().logs();
  EXPECT_NE(logs.find((dir / "html.mustache").string() + ":3: Unclosed section"), std::string::npos)
      << logs;
}

TEST(TemplatesLocale, BrokenLocaleStopsTheServer) {
  const fs::path dir = fs::path(make_temp_dir()) / "locales";
  write_file(dir / "de.json", R"({"signin.headline": "Anmelden"})");
  RunningServer unknown_key({{"LINKGATE_LOCALE_DIR", dir.string()}});
  ASSERT_TRUE(unknown_key.process().failed());
  EXPECT_NE(unknown_key.process().logs().find("de.json"), std::string::npos)
      << unknown_key.process().logs();
  EXPECT_NE(unknown_key.process().logs().find("signin.headline"), std::string::npos);

  write_file(dir / "de.json", "{}");
  write_file(dir / "de" / "text.mustache", "line 1\n{{url}\n");
  RunningServer broken({{"LINKGATE_LOCALE_DIR", dir.string()}});
  ASSERT_TRUE(broken.process().failed());
  EXPECT_NE(broken.process().logs().find((dir / "de" / "text.mustache").string() + ":2: "),
            std::string::npos)
      << broken.process().logs();
}

}  // namespace
}  // namespace linkgate::testing
