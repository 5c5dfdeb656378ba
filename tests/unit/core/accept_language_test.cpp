// Accept-Language parsing and the choice of a configured language (core/locale).
#include "core/locale/accept_language.hpp"

#include <gtest/gtest.h>

namespace linkgate::core {
namespace {

TEST(AcceptLanguage, ParsesAndOrdersByQuality) {
  auto ranges = parse_accept_language("fr;q=0.5, de-CH , en;q=0.8,*;q=0.1");
  ASSERT_EQ(ranges.size(), 4u);
  EXPECT_EQ(ranges[0].tag, "de-ch");
  EXPECT_EQ(ranges[1].tag, "en");
  EXPECT_DOUBLE_EQ(ranges[1].q, 0.8);
  EXPECT_EQ(ranges[2].tag, "fr");
  EXPECT_EQ(ranges[3].tag, "*");
}

TEST(AcceptLanguage, SkipsZeroQualityAndMalformedEntries) {
  auto ranges = parse_accept_language("fr;q=0, de;q=abc, <script>, es;q=1.5, it;q=0.3, ,");
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].tag, "it");
  EXPECT_TRUE(parse_accept_language("").empty());
}

TEST(AcceptLanguage, EqualQualityKeepsHeaderOrder) {
  auto ranges = parse_accept_language("de;q=0.7, fr;q=0.7");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].tag, "de");
  EXPECT_EQ(ranges[1].tag, "fr");
}

TEST(PickLanguage, HonoursQualityValues) {
  const std::vector<std::string> available{"fr", "de"};
  EXPECT_EQ(pick_language("fr;q=0.4, de;q=0.9", available), "de");
  EXPECT_EQ(pick_language("fr, de", available), "fr");
  EXPECT_EQ(pick_language("FR", available), "fr");
}

TEST(PickLanguage, FallsBackFromRegionToLanguage) {
  EXPECT_EQ(pick_language("fr-CA", {"fr"}), "fr");
  EXPECT_EQ(pick_language("pt-BR", {"pt", "pt-br"}), "pt-br");
  EXPECT_EQ(pick_language("zh-Hant-TW", {"zh-hant"}), "zh-hant");
  // en-GB is English: the built-in one, before a language liked less.
  EXPECT_EQ(pick_language("en-GB, fr;q=0.8", {"fr"}), "");
}

TEST(PickLanguage, UnknownWildcardAndEmptyAreEnglish) {
  EXPECT_EQ(pick_language("ja", {"fr"}), "");
  EXPECT_EQ(pick_language("ja, fr;q=0.2", {"fr"}), "fr");
  EXPECT_EQ(pick_language("*", {"fr"}), "");
  EXPECT_EQ(pick_language("", {"fr"}), "");
  EXPECT_EQ(pick_language("fr;q=0", {"fr"}), "");
}

TEST(PickLocale, ReturnsTheConfiguredLocaleOrNull) {
  AuthConfig config;
  EXPECT_EQ(pick_locale(config, "fr"), nullptr);
  config.locales.push_back({"fr", {{"signin.heading", "Connexion"}}, {}});
  config.locales.push_back({"en", {{"signin.heading", "Log in"}}, {}});
  const Locale* fr = pick_locale(config, "fr-FR,fr;q=0.9");
  ASSERT_NE(fr, nullptr);
  EXPECT_EQ(fr->language, "fr");
  // English picks the "en" locale that overrides English texts.
  const Locale* en = pick_locale(config, "en-US");
  ASSERT_NE(en, nullptr);
  EXPECT_EQ(en->language, "en");
  EXPECT_EQ(pick_locale(config, ""), nullptr);
}

}  // namespace
}  // namespace linkgate::core
