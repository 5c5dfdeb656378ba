#include "server/gateway_settings.hpp"

#include <boost/url/parse.hpp>

#include "core/sign_in_policy.hpp"

namespace linkgate::server {

Result<GatewaySettings> read_gateway_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env,
    const std::string& auth_url) {
  GatewaySettings s;
  if (auto text = env("AUTH_COOKIE_DOMAIN")) {
    std::string_view domain = *text;
    if (domain.starts_with('.')) domain.remove_prefix(1);
    auto canonical = core::canonical_domain_rule(domain);
    if (!canonical || canonical->starts_with('.')) {
      return Error{"configuration", "AUTH_COOKIE_DOMAIN must be a domain name such as example.com"};
    }
    s.cookie_domain = std::move(*canonical);
    if (auto url = boost::urls::parse_absolute_uri(auth_url); url && url->has_authority()) {
      std::string host(url->encoded_host());
      for (char& c : host) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (host != s.cookie_domain && !core::domain_matches(host, "." + s.cookie_domain)) {
        return Error{"configuration", "AUTH_COOKIE_DOMAIN (" + s.cookie_domain +
                                          ") must be AUTH_URL's host or a domain above it"};
      }
    }
  }
  if (auto text = env("LINKGATE_REDIRECT_HOSTS")) {
    std::string_view rest = *text;
    while (true) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (!item.empty()) {
        auto host = core::canonical_domain_rule(item);
        if (!host) {
          return Error{"configuration",
                       "LINKGATE_REDIRECT_HOSTS: " + host.error().message +
                           " (list host names such as app.example.com, or .example.com)"};
        }
        s.redirect_hosts.push_back(std::move(*host));
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return s;
}

}  // namespace linkgate::server
