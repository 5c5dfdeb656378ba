#include "core/sign_in_link.hpp"

#include <chrono>

#include "core/form.hpp"
#include "core/hooks.hpp"
#include "core/identifier.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"

namespace linkgate::core {

namespace {

// The provider's normalizeIdentifier, or the default (§3.4); whatever it throws is a rejection.
Result<std::string> normalized(const EmailProvider& provider, std::string_view email) {
  if (!provider.normalize_identifier) return normalize_identifier(email);
  try {
    return provider.normalize_identifier(std::string(email));
  } catch (...) {
    return Error{"invalid_input", "normalizeIdentifier threw"};
  }
}

}  // namespace

std::string sign_in_link_url(std::string_view base_url, std::string_view provider_id,
                             std::string_view callback_url, std::string_view token,
                             std::string_view identifier) {
  std::string url(base_url);
  url.append("/callback/").append(provider_id);
  url.append("?callbackUrl=").append(form_encode(callback_url));
  url.append("&token=").append(form_encode(token));
  url.append("&email=").append(form_encode(identifier));
  return url;
}

Result<SignInLink> make_sign_in_link(const AuthState& state, std::string_view email,
                                     std::string_view callback_url) {
  const AuthConfig& config = state.config;
  if (config.secrets.empty()) return Error{"configuration", "no AUTH_SECRET is set"};
  if (!state.fixed_origin) {
    return Error{"configuration", "AUTH_URL is not set: a link needs the server's public URL"};
  }
  if (config.providers.empty()) return Error{"configuration", "no email provider is configured"};
  const EmailProvider& provider = config.providers.front();
  const std::string& origin = *state.fixed_origin;

  Result<std::string> identifier = normalized(provider, email);
  if (!identifier) {
    return Error{"invalid_input", "not a valid email address: " + identifier.error().message};
  }

  const std::string wanted = callback_url.empty() ? origin : std::string(callback_url);
  auto resolved = resolve_redirect(state, wanted, origin);
  if (!resolved) return Error{"configuration", "the redirect callback failed"};
  // The rules send what they refuse to the origin; here that is an error the operator sees.
  if (*resolved == origin && wanted != origin) {
    return Error{"invalid_input",
                 "the callback URL is not allowed: it must be a path, the origin (" + origin +
                     ") or a host of LINKGATE_REDIRECT_HOSTS"};
  }

  const std::string token = crypto::random_hex(32);
  const TimePoint expires =
      state.now() + std::chrono::duration_cast<std::chrono::milliseconds>(provider.max_age);
  const std::string token_hash = crypto::sha256_hex(token + config.secrets.front());
  if (config.policy.void_older_links) {
    if (auto voided = state.store->delete_verification_tokens(*identifier); !voided) {
      return voided.error();
    }
  }
  if (auto stored = state.store->create_verification_token({*identifier, token_hash, expires});
      !stored) {
    return stored.error();
  }
  return SignInLink{
      .url = sign_in_link_url(origin + state.base_path, provider.id, *resolved, token, *identifier),
      .identifier = *identifier,
      .provider_id = provider.id,
      .callback_url = *resolved,
      .expires = expires,
  };
}

}  // namespace linkgate::core
