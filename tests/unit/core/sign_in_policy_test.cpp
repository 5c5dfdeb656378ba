#include "core/sign_in_policy.hpp"

#include <gtest/gtest.h>

#include "core/identifier.hpp"

namespace linkgate::core {
namespace {

SignInPolicy allow(std::vector<std::string> rules) {
  SignInPolicy p;
  p.allowed_domains = std::move(rules);
  return p;
}

SignInPolicy block(std::vector<std::string> rules) {
  SignInPolicy p;
  p.blocked_domains = std::move(rules);
  return p;
}

TEST(SignInPolicy, EmailDomain) {
  EXPECT_EQ(email_domain("a@example.com"), "example.com");
  EXPECT_EQ(email_domain("a@Example.COM."), "example.com");
  EXPECT_FALSE(email_domain("a@").has_value());
  EXPECT_FALSE(email_domain("example.com").has_value());
  EXPECT_FALSE(email_domain("attacker@evil.com@company.com").has_value());
}

TEST(SignInPolicy, ExactAndDotSuffixMatching) {
  EXPECT_TRUE(domain_matches("example.com", "example.com"));
  EXPECT_TRUE(domain_matches("example.com", "EXAMPLE.com"));
  EXPECT_FALSE(domain_matches("a.example.com", "example.com"));
  EXPECT_TRUE(domain_matches("a.example.com", ".example.com"));
  EXPECT_TRUE(domain_matches("a.b.example.com", ".example.com"));
  EXPECT_FALSE(domain_matches("example.com", ".example.com"));
  // Never a raw string suffix.
  EXPECT_FALSE(domain_matches("badexample.com", ".example.com"));
  EXPECT_FALSE(domain_matches("badexample.com", "example.com"));
  EXPECT_FALSE(domain_matches("example.com.evil.org", ".example.com"));
  EXPECT_FALSE(domain_matches("example.com", "."));
  EXPECT_FALSE(domain_matches("", ".example.com"));
}

// attack-cases.md #19: the suffix check needs the dot boundary (".bar.foo" vs "evilbar.foo").
TEST(SignInPolicy, AttackCase19DotBoundary) {
  EXPECT_FALSE(domain_allowed(allow({".bar.foo"}), "x@evilbar.foo"));
  EXPECT_TRUE(domain_allowed(allow({".bar.foo"}), "x@a.bar.foo"));
  EXPECT_TRUE(domain_allowed(block({".bar.foo"}), "x@evilbar.foo"));
  EXPECT_FALSE(domain_allowed(block({".bar.foo"}), "x@a.bar.foo"));
}

// attack-cases.md #18: a multi-'@' address never passes an allow-list. The normalizer rejects it
// first; the policy itself fails closed on it too (a custom normalizer might let it through).
TEST(SignInPolicy, AttackCase18MultipleAt) {
  const char* attack = "attacker@evil.com@company.com";
  EXPECT_FALSE(normalize_identifier(attack).ok());
  for (const char* rule : {"company.com", ".company.com"}) {
    EXPECT_FALSE(domain_allowed(allow({rule}), attack)) << rule;
  }
  EXPECT_FALSE(domain_allowed(block({"evil.com"}), attack));
  EXPECT_FALSE(domain_allowed(allow({"company.com"}), "attacker@evil.com"));
}

TEST(SignInPolicy, AllowedAndBlocked) {
  EXPECT_TRUE(domain_allowed(SignInPolicy{}, "a@anything.test"));
  EXPECT_TRUE(domain_allowed(SignInPolicy{}, "no-at-sign"));  // no rules: nothing to check
  auto p = allow({"example.com", ".corp.example"});
  p.blocked_domains = {"contractors.corp.example"};
  EXPECT_TRUE(domain_allowed(p, "a@example.com"));
  EXPECT_TRUE(domain_allowed(p, "a@eu.corp.example"));
  EXPECT_FALSE(domain_allowed(p, "a@contractors.corp.example"));  // blocked wins
  EXPECT_FALSE(domain_allowed(p, "a@other.test"));
  EXPECT_FALSE(domain_allowed(p, "a@corp.example"));
  EXPECT_TRUE(domain_allowed(p, "a@example.com."));  // one trailing dot is the same domain
  EXPECT_FALSE(domain_allowed(block({"example.com"}), "a@example.com."));
  EXPECT_TRUE(domain_allowed(block({"example.com"}), "a@sub.example.com"));
}

TEST(SignInPolicy, CanonicalRules) {
  EXPECT_EQ(canonical_domain_rule(" Example.COM. ").value(), "example.com");
  EXPECT_EQ(canonical_domain_rule(".Corp.Example").value(), ".corp.example");
  for (const char* bad : {"", ".", "a@example.com", "example..com", "exa mple.com",
                          "http://example.com", "*.example.com", "example.com/x"}) {
    auto rule = canonical_domain_rule(bad);
    ASSERT_FALSE(rule.ok()) << bad;
    EXPECT_EQ(rule.error().kind, "configuration");
  }
}

}  // namespace
}  // namespace linkgate::core
