#include "core/redirect.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace linkgate::core {
namespace {

const std::string kBase = "http://foo.bar";
const std::string kHttpsBase = "https://example.com";

// authjs-behaviour.md §4 default redirect: relative paths are appended to the base.
TEST(SafeRedirect, Section4RelativePathIsAppendedToBase) {
  EXPECT_EQ(safe_redirect("/dashboard", kBase), kBase + "/dashboard");
  EXPECT_EQ(safe_redirect("/", kBase), kBase + "/");
  EXPECT_EQ(safe_redirect("/a/b?c=d&e=f#frag", kBase), kBase + "/a/b?c=d&e=f#frag");
  EXPECT_EQ(safe_redirect("/?next=https://evil.com", kBase), kBase + "/?next=https://evil.com");
  EXPECT_EQ(safe_redirect("/@evil.com", kBase), kBase + "/@evil.com");
}

// authjs-behaviour.md §4: an absolute URL of the same origin is kept as given.
TEST(SafeRedirect, Section4SameOriginAbsoluteUrlIsKept) {
  EXPECT_EQ(safe_redirect("http://foo.bar", kBase), "http://foo.bar");
  EXPECT_EQ(safe_redirect("http://foo.bar/x/y?q=1#f", kBase), "http://foo.bar/x/y?q=1#f");
  EXPECT_EQ(safe_redirect("HTTP://FOO.BAR/Path", kBase), "HTTP://FOO.BAR/Path");
  EXPECT_EQ(safe_redirect("https://example.com/cb?x=1", kHttpsBase), "https://example.com/cb?x=1");
  // Default ports are normalised on both sides.
  EXPECT_EQ(safe_redirect("http://foo.bar:80/p", kBase), "http://foo.bar:80/p");
  EXPECT_EQ(safe_redirect("https://example.com:443/", kHttpsBase), "https://example.com:443/");
  EXPECT_EQ(safe_redirect("http://foo.bar/p", "http://foo.bar:80"), "http://foo.bar/p");
  EXPECT_EQ(safe_redirect("http://localhost:3000/p", "http://localhost:3000"),
            "http://localhost:3000/p");
  EXPECT_EQ(safe_redirect("http://[::1]:8080/p", "http://[::1]:8080"), "http://[::1]:8080/p");
  EXPECT_EQ(safe_redirect("http://127.0.0.1/p", "http://127.0.0.1"), "http://127.0.0.1/p");
}

// attack-cases.md #6, #8: another origin goes to the base.
TEST(SafeRedirect, AttackCase6OtherOriginIsRejected) {
  EXPECT_EQ(safe_redirect("https://evil.com", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("https://evil.com/", kBase), kBase);
  EXPECT_EQ(safe_redirect("http://example.com/", kHttpsBase), kHttpsBase);  // scheme differs
  EXPECT_EQ(safe_redirect("https://example.com:8443/", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("https://sub.example.com/", kHttpsBase), kHttpsBase);
}

// attack-cases.md #7: unparsable input falls back to the base and never throws.
TEST(SafeRedirect, AttackCase7UnparsableFallsBackToBase) {
  for (const char* url : {"http://[", "http://[::1", "http://foo.bar:99999/", "http://foo.bar:8x/",
                          "http://%", "https://", "http://", ":", "%", "http://foo.bar/%zz", "/%zz",
                          "/a%", "[", "?x", "#f", ""}) {
    std::string result;
    EXPECT_NO_THROW(result = safe_redirect(url, kBase)) << url;
    EXPECT_EQ(result, kBase) << url;
  }
}

// Found by fuzz/fuzz_redirect: Boost.URL 1.81 splits "host:443hx" into port 443 and path "hx"
// (RFC 3986 wants the path after an authority to start with '/'); WHATWG rejects the port, so
// such a URL falls back to the base instead of being passed on.
TEST(SafeRedirect, FuzzFoundTextAfterThePortFallsBackToBase) {
  EXPECT_EQ(safe_redirect("https://example.com:443hx", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("http://foo.bar:80x/p", kBase), kBase);
  EXPECT_EQ(safe_redirect("http://foo.bar:x/p", kBase), kBase);
  EXPECT_EQ(safe_redirect("http://foo.bar:80/p", kBase), "http://foo.bar:80/p");
  EXPECT_EQ(safe_redirect("http://foo.bar:80?q", kBase), "http://foo.bar:80?q");
}

// attack-cases.md #13: scheme-relative URLs.
TEST(SafeRedirect, AttackCase13SchemeRelativeIsRejected) {
  EXPECT_EQ(safe_redirect("//malicious-site.com", kBase), kBase);
  EXPECT_EQ(safe_redirect("//foo.bar/same-host-still-rejected", kBase), kBase);
  EXPECT_EQ(safe_redirect("///evil.com", kBase), kBase);
  EXPECT_EQ(safe_redirect("/\\evil.com", kBase), kBase);
}

// attack-cases.md #14: a host suffix or a query containing the base host is another origin.
TEST(SafeRedirect, AttackCase14HostLookalikesAreRejected) {
  EXPECT_EQ(safe_redirect("https://example.com.evil.com", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("https://example.com.evil.com/x", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("https://evil.com/?a=.example.com", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("https://evilexample.com", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("https://example.com@evil.com", kHttpsBase), kHttpsBase);
  EXPECT_EQ(safe_redirect("https://evil.com#example.com", kHttpsBase), kHttpsBase);
}

// attack-cases.md #20: the oauth2-proxy validator table, against base http://foo.bar.
TEST(SafeRedirect, AttackCase20ValidatorTable) {
  for (const char* url :
       {"//redirect", "/\\evil.com", "/ /evil.com", "/\t/evil.com", "/\v\\evil.com", "/\n/evil.com",
        "/\r\\evil.com", "/./../../\\evil.com", "http://evil.corp/redirect?rd=foo.bar",
        "http://foo.bar:3838/", "foo.bar/redirect", "/\\\\evil.com", "\\\\evil.com", "\\/evil.com",
        "/\f/evil.com", "/\x0B/evil.com"}) {
    EXPECT_EQ(safe_redirect(url, kBase), kBase) << url;
  }
}

// WHATWG strips tab/CR/LF anywhere and trims leading/trailing C0 and spaces; RFC 3986 does
// neither. Every such input is rejected, wherever the character sits.
TEST(SafeRedirect, AttackCase20WhitespaceAndControlsAnywhereAreRejected) {
  for (const char* url :
       {" /dashboard", "/dashboard ", "\t/x", "/x\n", "/x\r", "http://foo.bar/\tx",
        "ht\ttp://foo.bar/", "http://foo.bar /", "\x01http://foo.bar/", "http://foo.bar/x\x7F",
        "h\nttp://evil.com", "/das hboard"}) {
    EXPECT_EQ(safe_redirect(url, kBase), kBase) << url;
  }
  EXPECT_EQ(safe_redirect(std::string("/x\0y", 4), kBase), kBase);
  EXPECT_EQ(safe_redirect(std::string("http://foo.bar/\0", 16), kBase), kBase);
}

TEST(SafeRedirect, BackslashesAnywhereAreRejected) {
  for (const char* url : {"/a\\b", "http://foo.bar\\@evil.com/", "http://evil.com\\.foo.bar",
                          "http:\\\\evil.com", "http://foo.bar/\\evil.com", "/x?q=\\"}) {
    EXPECT_EQ(safe_redirect(url, kBase), kBase) << url;
  }
}

// attack-cases.md #28: query or fragment tricks and IP literals that mention the base host.
TEST(SafeRedirect, AttackCase28QueryAndIpLiteralTricks) {
  const std::string base = "http://localhost:8000";
  for (const char* url :
       {"http://123?.localhost:8000/path", "http://123.123.123.123?localhost:8000/path",
        "http://[65e7:9410:d8b6:e227:58cd:e55b:8fc0:206d]?localhost:8000/path",
        "http://evil.com#localhost:8000", "http://localhost:8001/path", "http://localhost/path",
        "http://127.0.0.1:8000/path"}) {
    EXPECT_EQ(safe_redirect(url, base), base) << url;
  }
}

// WHATWG finds a host in "http:evil.com" and "http:///evil.com"; RFC 3986 does not.
TEST(SafeRedirect, MissingOrEmptyAuthorityIsRejected) {
  for (const char* url : {"http:foo.bar", "http:/foo.bar", "http:///foo.bar", "http:////foo.bar",
                          "http:evil.com", "http:///evil.com", "https:evil.com"}) {
    EXPECT_EQ(safe_redirect(url, kBase), kBase) << url;
  }
}

TEST(SafeRedirect, UserinfoIsRejectedEvenForTheSameHost) {
  for (const char* url : {"http://user@foo.bar/", "http://user:pass@foo.bar/", "http://@foo.bar/",
                          "http://foo.bar@evil.com/", "http://foo.bar:80@evil.com/"}) {
    EXPECT_EQ(safe_redirect(url, kBase), kBase) << url;
  }
}

TEST(SafeRedirect, OtherSchemesAreRejected) {
  for (const char* url :
       {"javascript:alert(1)", "JavaScript:alert(document.domain)",
        "javascript://foo.bar/%0aalert(1)", "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "file:///etc/passwd",
        "ftp://foo.bar/", "ws://foo.bar/", "mailto:a@foo.bar", "blob:http://foo.bar/uuid"}) {
    EXPECT_EQ(safe_redirect(url, kBase), kBase) << url;
  }
}

// Percent-encoded slashes and backslashes are path characters: no parser decodes them in a path
// before resolving the host, and the result is prefixed with our own origin anyway, so they stay
// paths on our origin (the app may 404 them, which is harmless).
TEST(SafeRedirect, PercentEncodedTricksStayPathsOnOurOrigin) {
  EXPECT_EQ(safe_redirect("/%2F%2Fevil.com", kBase), kBase + "/%2F%2Fevil.com");
  EXPECT_EQ(safe_redirect("/%5Cevil.com", kBase), kBase + "/%5Cevil.com");
  EXPECT_EQ(safe_redirect("/%2f%5cevil.com", kBase), kBase + "/%2f%5cevil.com");
  EXPECT_EQ(safe_redirect("/%09/evil.com", kBase), kBase + "/%09/evil.com");
  // In a host, WHATWG decodes escapes while RFC 3986 keeps them: rejected.
  EXPECT_EQ(safe_redirect("http://foo%2Ebar/", kBase), kBase);
  EXPECT_EQ(safe_redirect("http://%66oo.bar/", kBase), kBase);
  // Scheme-relative after decoding is still a path here: "%2F" is not '/' to a URL parser.
  EXPECT_EQ(safe_redirect("%2F%2Fevil.com", kBase), kBase);
}

// Non-ASCII bytes are re-encoded (path) or IDNA-mapped (host) by WHATWG only: rejected.
TEST(SafeRedirect, NonAsciiIsRejected) {
  EXPECT_EQ(safe_redirect("/caf\xC3\xA9", kBase), kBase);
  EXPECT_EQ(safe_redirect("http://fo\xEF\xBD\x8F.bar/", kBase), kBase);  // fullwidth o
  EXPECT_EQ(safe_redirect("/\xE2\x80\xAE/evil.com", kBase), kBase);      // RLO
  EXPECT_EQ(safe_redirect("/\xEF\xBC\x8F\xEF\xBC\x8F"
                          "evil.com",
                          kBase),
            kBase);  // fullwidth //
}

TEST(SafeRedirect, UnusableBaseNeverAcceptsAbsoluteUrls) {
  EXPECT_EQ(safe_redirect("http://foo.bar/", "not a url"), "not a url");
  EXPECT_EQ(safe_redirect("https://evil.com/", ""), "");
}

TEST(SafeRedirect, NeverThrowsOnGarbage) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 37 + 11) % 256));
  EXPECT_EQ(safe_redirect(garbage, kBase), kBase);
  EXPECT_EQ(safe_redirect("http://" + std::string(100000, 'a'), kBase), kBase);
  EXPECT_EQ(safe_redirect(std::string(100000, '/'), kBase), kBase);
  EXPECT_EQ(safe_redirect("/" + std::string(10000, 'a'), kBase),
            kBase + "/" + std::string(10000, 'a'));
}

}  // namespace
// LINKGATE_REDIRECT_HOSTS: listed hosts (exact, or under a ".domain") are kept, on any port;
// never a step down from https; every parser-differential rejection still applies first.
TEST(SafeRedirect, ListedHostsAreKeptAndNothingElse) {
  const std::vector<std::string> hosts{"admin.example.com", ".apps.example.com"};
  EXPECT_EQ(safe_redirect("https://admin.example.com/x?y=1", kHttpsBase, hosts),
            "https://admin.example.com/x?y=1");
  EXPECT_EQ(safe_redirect("https://ADMIN.example.com:8443/", kHttpsBase, hosts),
            "https://ADMIN.example.com:8443/");
  EXPECT_EQ(safe_redirect("https://a.apps.example.com/", kHttpsBase, hosts),
            "https://a.apps.example.com/");
  EXPECT_EQ(safe_redirect("https://b.a.apps.example.com/", kHttpsBase, hosts),
            "https://b.a.apps.example.com/");
  for (const std::string evil :
       {"https://apps.example.com/", "https://evilapps.example.com/",
        "https://admin.example.com.evil.com/", "https://evil.com/?admin.example.com",
        "https://admin.example.com@evil.com/", "http://admin.example.com/", "//admin.example.com/x",
        "/\\admin.example.com", "https://admin.example.com\\@evil.com/",
        " https://admin.example.com/", "https://admin.example.com:99999/",
        "https://admin%2eexample.com/", "https:admin.example.com/",
        "javascript://admin.example.com/%0aalert(1)"}) {
    EXPECT_EQ(safe_redirect(evil, kHttpsBase, hosts), kHttpsBase) << evil;
  }
  // An http origin (development) may send to http or https listed hosts.
  EXPECT_EQ(safe_redirect("http://admin.example.com/", kBase, hosts), "http://admin.example.com/");
  // No list: the origin only, as before.
  EXPECT_EQ(safe_redirect("https://admin.example.com/", kHttpsBase), kHttpsBase);
}

}  // namespace linkgate::core
