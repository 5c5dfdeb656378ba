#include "core/cookies.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/session_cookie.hpp"

namespace linkgate::core {
namespace {

// JavaScript's Date#toISOString, which Auth.js's session "expires" is (authjs-behaviour.md §1).
TEST(Iso8601, WritesDateToIsoString) {
  const auto at = [](long long ms) { return TimePoint(std::chrono::milliseconds(ms)); };
  EXPECT_EQ(iso8601(at(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(at(1700000000123)), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(iso8601(at(951782400007)), "2000-02-29T00:00:00.007Z");
  EXPECT_EQ(iso8601(at(-1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso8601(at(253402300799999)), "9999-12-31T23:59:59.999Z");
}

TEST(RequestCookies, ParsesAndTrims) {
  const RequestCookies cookies("a=1; b=2 ;c = 3;\td=4\t");
  EXPECT_EQ(cookies.get("a"), "1");
  EXPECT_EQ(cookies.get("b"), "2");
  EXPECT_EQ(cookies.get("c"), "3");
  EXPECT_EQ(cookies.get("d"), "4");
  EXPECT_FALSE(cookies.get("e"));
  EXPECT_EQ(cookies.all().size(), 4u);
}

// authjs-behaviour.md §0: the first occurrence of a name wins.
TEST(RequestCookies, Section0FirstOccurrenceWins) {
  const RequestCookies cookies("a=first; a=second");
  EXPECT_EQ(cookies.get("a"), "first");
  EXPECT_EQ(cookies.all().size(), 2u);
}

// authjs-behaviour.md §0: decodeURIComponent only for values containing '%'; raw on failure.
TEST(RequestCookies, Section0DecodesOnlyValuesWithPercent) {
  const RequestCookies cookies("csrf=abc%7Cdef; plus=a+b; bad=100%; badutf=%FF; ok=%C3%A9");
  EXPECT_EQ(cookies.get("csrf"), "abc|def");
  EXPECT_EQ(cookies.get("plus"), "a+b");  // '+' is not a space in cookies
  EXPECT_EQ(cookies.get("bad"), "100%");
  EXPECT_EQ(cookies.get("badutf"), "%FF");  // decodeURIComponent fails on invalid UTF-8
  EXPECT_EQ(cookies.get("ok"), "\xC3\xA9");
}

TEST(RequestCookies, StripsSurroundingQuotes) {
  const RequestCookies cookies("q=\"quoted\"; half=\"open; empty=\"\"");
  EXPECT_EQ(cookies.get("q"), "quoted");
  EXPECT_EQ(cookies.get("half"), "\"open");
  EXPECT_EQ(cookies.get("empty"), "");
}

TEST(RequestCookies, SkipsMalformedPairs) {
  const RequestCookies cookies("novalue; =nameless; ;;  ; a=1; b==2; junk");
  EXPECT_EQ(cookies.get("a"), "1");
  EXPECT_EQ(cookies.get("b"), "=2");
  EXPECT_FALSE(cookies.get("novalue"));
  EXPECT_FALSE(cookies.get(""));
  EXPECT_EQ(cookies.all().size(), 2u);
}

TEST(RequestCookies, CopesWithGarbageAndHugeHeaders) {
  EXPECT_TRUE(RequestCookies("").all().empty());
  EXPECT_TRUE(RequestCookies(";;;===;;;").all().size() <= 1u);
  std::string garbage;
  for (int i = 0; i < 100 * 1024; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  EXPECT_NO_THROW(RequestCookies{garbage});
  const std::string huge = "big=" + std::string(100 * 1024, 'x') + "; small=1";
  const RequestCookies cookies(huge);
  EXPECT_EQ(cookies.get("big")->size(), 100u * 1024u);
  EXPECT_EQ(cookies.get("small"), "1");
  EXPECT_NO_THROW(RequestCookies(std::string(100 * 1024, '%')));
  EXPECT_NO_THROW(RequestCookies("a=" + std::string(100 * 1024, '%')));
}

// authjs-behaviour.md §0 attribute order and §2.3 ("|" is sent as %7C).
TEST(SetCookie, Section0SerializesInAuthJsOrder) {
  SetCookie cookie;
  cookie.name = "authjs.csrf-token";
  cookie.value = "abc|def";
  EXPECT_EQ(cookie.serialize(), "authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly; SameSite=Lax");

  cookie.max_age = 0;
  cookie.expires = 0;
  cookie.secure = true;
  EXPECT_EQ(cookie.serialize(),
            "authjs.csrf-token=abc%7Cdef; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 "
            "GMT; HttpOnly; Secure; SameSite=Lax");
}

TEST(SetCookie, ExpiresIsImfFixdate) {
  SetCookie cookie;
  cookie.name = "s";
  cookie.value = "v";
  cookie.expires = 1700000000;  // 2023-11-14T22:13:20Z, a Tuesday
  cookie.http_only = false;
  cookie.same_site = "";
  cookie.path = "";
  EXPECT_EQ(cookie.serialize(), "s=v; Expires=Tue, 14 Nov 2023 22:13:20 GMT");
  cookie.expires = 951782400;  // 2000-02-29T00:00:00Z, a leap day
  EXPECT_EQ(cookie.serialize(), "s=v; Expires=Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST(SetCookie, EncodesLikeEncodeUriComponent) {
  SetCookie cookie;
  cookie.name = "n";
  cookie.value = "AZaz09-_.!~*'() |;,=/?:@&+$#%\"\xC3\xA9";
  cookie.path = "";
  cookie.http_only = false;
  cookie.same_site = "";
  EXPECT_EQ(cookie.serialize(),
            "n=AZaz09-_.!~*'()%20%7C%3B%2C%3D%2F%3F%3A%40%26%2B%24%23%25%22%C3%A9");
}

TEST(SetCookie, RoundTripsThroughRequestCookies) {
  SetCookie cookie;
  cookie.name = "authjs.callback-url";
  cookie.value = "https://example.com/a?b=c|d";
  const std::string header = cookie.serialize();
  const std::string pair = header.substr(0, header.find(';'));
  EXPECT_EQ(RequestCookies(pair).get("authjs.callback-url"), cookie.value);
}

// authjs-behaviour.md §2 cookie names.
TEST(CookieNames, Section2Prefixes) {
  const auto secure = CookieNames::for_scheme(true);
  EXPECT_EQ(secure.session_token, "__Secure-authjs.session-token");
  EXPECT_EQ(secure.callback_url, "__Secure-authjs.callback-url");
  EXPECT_EQ(secure.csrf_token, "__Host-authjs.csrf-token");
  EXPECT_TRUE(secure.secure);
  const auto plain = CookieNames::for_scheme(false);
  EXPECT_EQ(plain.session_token, "authjs.session-token");
  EXPECT_EQ(plain.callback_url, "authjs.callback-url");
  EXPECT_EQ(plain.csrf_token, "authjs.csrf-token");
  EXPECT_FALSE(plain.secure);
}

const std::string kName = "authjs.session-token";

SetCookie session_attributes() {
  SetCookie attributes;
  attributes.expires = 1700000000;
  return attributes;
}

// authjs-behaviour.md §2.4: 3936 characters fit one cookie, 3937 need two chunks.
TEST(ChunkedCookie, Section24ChunkBoundary) {
  const RequestCookies none;
  const auto one = write_chunked_cookie(none, kName, std::string(3936, 'a'), session_attributes());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].name, kName);
  EXPECT_EQ(one[0].value.size(), 3936u);
  EXPECT_EQ(one[0].expires, 1700000000);

  const auto two = write_chunked_cookie(none, kName, std::string(3937, 'b'), session_attributes());
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].name, kName + ".0");
  EXPECT_EQ(two[0].value.size(), 3936u);
  EXPECT_EQ(two[1].name, kName + ".1");
  EXPECT_EQ(two[1].value, "b");
  EXPECT_EQ(two[1].expires, 1700000000);

  const auto three =
      write_chunked_cookie(none, kName, std::string(3936 * 2 + 5, 'c'), session_attributes());
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[2].name, kName + ".2");
  EXPECT_EQ(three[2].value.size(), 5u);
}

// authjs-behaviour.md §2.4: a write clears every chunk seen in the request; a name written again
// carries its new value instead of the clear (one Set-Cookie per name).
TEST(ChunkedCookie, Section24RewriteFromChunkedToUnchunkedClearsStaleChunks) {
  const RequestCookies request(kName + ".0=aaa; other=1; " + kName + ".1=bbb; " + kName + ".2=ccc");
  const auto out = write_chunked_cookie(request, kName, "new", session_attributes());
  ASSERT_EQ(out.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i].name, kName + "." + std::to_string(i));
    EXPECT_EQ(out[i].value, "");
    EXPECT_EQ(out[i].max_age, 0);
    EXPECT_FALSE(out[i].expires);
    EXPECT_EQ(out[i].serialize(),
              kName + "." + std::to_string(i) + "=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  }
  EXPECT_EQ(out[3].name, kName);
  EXPECT_EQ(out[3].value, "new");
  EXPECT_FALSE(out[3].max_age);
}

TEST(ChunkedCookie, Section24RewriteFromUnchunkedToChunked) {
  const RequestCookies request(kName + "=old; " + kName + ".1=stale");
  const auto out =
      write_chunked_cookie(request, kName, std::string(3937, 'x'), session_attributes());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].name, kName);
  EXPECT_EQ(out[0].max_age, 0);
  EXPECT_EQ(out[1].name, kName + ".1");  // rewritten in place, not cleared
  EXPECT_EQ(out[1].value, "x");
  EXPECT_EQ(out[2].name, kName + ".0");
  EXPECT_EQ(out[2].value.size(), 3936u);
  std::vector<std::string> names;
  for (const auto& c : out) names.push_back(c.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::unique(names.begin(), names.end()), names.end());
}

TEST(ChunkedCookie, Section24ReadReassemblesOutOfOrderChunks) {
  const RequestCookies request(kName + ".2=C; x=y; " + kName + ".10=K; " + kName + ".0=A; " +
                               kName + ".1=B");
  EXPECT_EQ(read_chunked_cookie(request, kName), "ABCK");
}

TEST(ChunkedCookie, Section24ReadsUnchunkedAndIgnoresEmptyValues) {
  EXPECT_EQ(read_chunked_cookie(RequestCookies(kName + "=jwt"), kName), "jwt");
  EXPECT_EQ(read_chunked_cookie(RequestCookies(kName + ".0=a; " + kName + ".1=; " + kName + ".2=c"),
                                kName),
            "ac");
  EXPECT_FALSE(read_chunked_cookie(RequestCookies(kName + "="), kName));
  EXPECT_FALSE(read_chunked_cookie(RequestCookies("other=1"), kName));
  EXPECT_FALSE(read_chunked_cookie(RequestCookies(), kName));
}

// Beyond Auth.js: only `name` and `name.<digits>` belong to the chunked cookie.
TEST(ChunkedCookie, IgnoresLookalikeNames) {
  const RequestCookies request(kName + "-legacy=X; " + kName + ".x=Y; " + kName + ".=Z; " + kName +
                               ".0=A; __Secure-" + kName + "=W");
  EXPECT_EQ(read_chunked_cookie(request, kName), "A");
  const auto cleared = clear_chunked_cookie(request, kName, session_attributes());
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].name, kName + ".0");
}

TEST(ChunkedCookie, FirstOccurrenceOfAChunkWins) {
  const RequestCookies request(kName + ".0=A; " + kName + ".0=STALE; " + kName + ".1=B");
  EXPECT_EQ(read_chunked_cookie(request, kName), "AB");
  EXPECT_EQ(clear_chunked_cookie(request, kName, session_attributes()).size(), 2u);
}

TEST(ChunkedCookie, WriteReadRoundTrip) {
  std::string value;
  for (int i = 0; i < 10000; ++i) value.push_back(static_cast<char>('a' + i % 26));
  const auto written = write_chunked_cookie(RequestCookies(), kName, value, session_attributes());
  ASSERT_EQ(written.size(), 3u);
  std::string header;
  for (auto it = written.rbegin(); it != written.rend(); ++it) {
    if (!header.empty()) header += "; ";
    header += it->name + "=" + it->value;
  }
  EXPECT_EQ(read_chunked_cookie(RequestCookies(header), kName), value);
}

TEST(ChunkedCookie, ClearClearsEverySeenChunk) {
  const RequestCookies request(kName + "=a; " + kName + ".0=b; " + kName + ".1=c; other=d");
  const auto out = clear_chunked_cookie(request, kName, session_attributes());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].name, kName);
  EXPECT_EQ(out[1].name, kName + ".0");
  EXPECT_EQ(out[2].name, kName + ".1");
  for (const auto& c : out) {
    EXPECT_EQ(c.value, "");
    EXPECT_EQ(c.max_age, 0);
  }
  EXPECT_TRUE(clear_chunked_cookie(RequestCookies("other=d"), kName, session_attributes()).empty());
}

}  // namespace
// AUTH_COOKIE_DOMAIN: written as Domain=, except on a __Host- cookie, which must have none.
TEST(SetCookie, DomainIsWrittenExceptOnHostPrefixedCookies) {
  SetCookie c;
  c.name = "__Secure-authjs.session-token";
  c.value = "v";
  c.domain = "example.com";
  c.secure = true;
  EXPECT_NE(c.serialize().find("; Domain=example.com"), std::string::npos);
  c.name = "__Host-authjs.csrf-token";
  EXPECT_EQ(c.serialize().find("Domain"), std::string::npos);
  c.name = "authjs.session-token";
  c.domain.clear();
  EXPECT_EQ(c.serialize().find("Domain"), std::string::npos);
}

}  // namespace linkgate::core
