#include "core/sign_in_policy.hpp"

#include <algorithm>

namespace linkgate::core {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

// Lower case, without one trailing dot.
std::string canonical(std::string_view s) {
  std::string out = to_lower(s);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

std::optional<std::string> email_domain(std::string_view identifier) {
  const auto at = identifier.find('@');
  if (at == std::string_view::npos || identifier.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string domain = canonical(identifier.substr(at + 1));
  if (domain.empty()) return std::nullopt;
  return domain;
}

bool domain_matches(std::string_view domain_text, std::string_view rule_text) {
  const std::string domain = canonical(domain_text);
  const std::string rule = canonical(rule_text);
  if (domain.empty() || rule.empty() || rule == ".") return false;
  if (rule.front() != '.') return domain == rule;
  // A dot-suffix: the domain must be longer than the rule, so the rule's leading dot is a label
  // boundary inside the domain.
  return domain.size() > rule.size() && domain.ends_with(rule);
}

Result<std::string> canonical_domain_rule(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  const std::string rule = canonical(text);
  auto bad = [&](const std::string& why) -> Error {
    return Error{"configuration", "email domain rule \"" + std::string(text) + "\": " + why};
  };
  if (rule.empty() || rule == ".") return bad("empty");
  if (rule.find("..") != std::string::npos) return bad("empty label");
  for (char c : rule) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == '_' || u >= 0x80;
    if (!ok) return bad("not a domain (write example.com, or .example.com for its subdomains)");
  }
  return rule;
}

bool domain_allowed(const SignInPolicy& policy, std::string_view identifier) {
  if (policy.allowed_domains.empty() && policy.blocked_domains.empty()) return true;
  const auto domain = email_domain(identifier);
  if (!domain) return false;
  for (const std::string& rule : policy.blocked_domains) {
    if (domain_matches(*domain, rule)) return false;
  }
  if (policy.allowed_domains.empty()) return true;
  return std::any_of(policy.allowed_domains.begin(), policy.allowed_domains.end(),
                     [&](const std::string& rule) { return domain_matches(*domain, rule); });
}

}  // namespace linkgate::core
