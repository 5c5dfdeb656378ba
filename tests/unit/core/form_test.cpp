#include "core/form.hpp"

#include <gtest/gtest.h>

namespace linkgate::core {
namespace {

TEST(ParseForm, SplitsPairsAndDecodes) {
  const auto form = parse_form("email=jane%40example.com&callbackUrl=%2Fdashboard&csrfToken=abc");
  ASSERT_EQ(form.size(), 3u);
  EXPECT_EQ(form.at("email"), "jane@example.com");
  EXPECT_EQ(form.at("callbackUrl"), "/dashboard");
  EXPECT_EQ(form.at("csrfToken"), "abc");
}

TEST(ParseForm, PlusIsSpaceAndEncodedPlusIsPlus) {
  const auto form = parse_form("a=x+y&b=x%2By&c%20d=1");
  EXPECT_EQ(form.at("a"), "x y");
  EXPECT_EQ(form.at("b"), "x+y");
  EXPECT_EQ(form.at("c d"), "1");
}

// authjs-behaviour.md §0: for a duplicate key the last value wins.
TEST(ParseForm, Section0LastDuplicateWins) {
  const auto form = parse_form("email=first%40a.com&email=second%40b.com");
  EXPECT_EQ(form.at("email"), "second@b.com");
}

TEST(ParseForm, MalformedEscapesKeptLiterally) {
  const auto form = parse_form("a=100%&b=%zz&c=%4&d=%%41");
  EXPECT_EQ(form.at("a"), "100%");
  EXPECT_EQ(form.at("b"), "%zz");
  EXPECT_EQ(form.at("c"), "%4");
  EXPECT_EQ(form.at("d"), "%A");
}

TEST(ParseForm, EmptyPiecesAndMissingValues) {
  const auto form = parse_form("&&a&b=&=v&c==x&");
  EXPECT_EQ(form.at("a"), "");
  EXPECT_EQ(form.at("b"), "");
  EXPECT_EQ(form.at(""), "v");
  EXPECT_EQ(form.at("c"), "=x");
  EXPECT_EQ(form.size(), 4u);
  EXPECT_TRUE(parse_form("").empty());
}

TEST(ParseForm, KeepsInvalidUtf8BytesForLaterValidation) {
  const auto form = parse_form("email=%FF%FE");
  EXPECT_EQ(form.at("email"), "\xFF\xFE");
}

TEST(ParseForm, NeverThrowsOnGarbage) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>(i * 7 + 3));
  EXPECT_NO_THROW((void)parse_form(garbage));
  EXPECT_NO_THROW((void)parse_form(std::string(100000, '%')));
}

// authjs-behaviour.md §3.3: URLSearchParams encoding of the magic-link parameters.
TEST(FormEncode, Section33UrlSearchParamsEncoding) {
  EXPECT_EQ(form_encode("jane@example.com"), "jane%40example.com");
  EXPECT_EQ(form_encode("https://example.com"), "https%3A%2F%2Fexample.com");
  EXPECT_EQ(form_encode("a+b"), "a%2Bb");
  EXPECT_EQ(form_encode("a b"), "a+b");
  EXPECT_EQ(form_encode("AZaz09*-._"), "AZaz09*-._");
  EXPECT_EQ(form_encode("~!'()"), "%7E%21%27%28%29");
  EXPECT_EQ(form_encode("?&=#%"), "%3F%26%3D%23%25");
  EXPECT_EQ(form_encode("\xC3\xA9"), "%C3%A9");  // é, upper-case hex of the UTF-8 bytes
  EXPECT_EQ(form_encode(""), "");
}

TEST(FormEncode, RoundTripsThroughParse) {
  const std::string value = "x y+z@w/:?&=%\xE2\x82\xAC";
  EXPECT_EQ(parse_form("k=" + form_encode(value)).at("k"), value);
}

TEST(PercentDecode, DecodesAndRejectsMalformed) {
  EXPECT_EQ(percent_decode("a%7Cb", false), "a|b");
  EXPECT_EQ(percent_decode("a%7cb", false), "a|b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("", false), "");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("abc%", false));
  EXPECT_FALSE(percent_decode("%G1", false));
  EXPECT_FALSE(percent_decode("%1G", false));
}

}  // namespace
}  // namespace linkgate::core
