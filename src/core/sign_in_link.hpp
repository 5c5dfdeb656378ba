// A sign-in link (authjs-behaviour.md §3.3): the URL that POST /signin/<provider> mails, and the
// same link made for an operator (`linkgate link`, Auth::make_sign_in_link) without an email.
#pragma once

#include <string>
#include <string_view>

#include "core/context.hpp"
#include "linkgate/auth.hpp"

namespace linkgate::core {

// <base_url>/callback/<provider_id>?callbackUrl=…&token=…&email=…, in the parameter order and
// encoding of Auth.js's URLSearchParams.
std::string sign_in_link_url(std::string_view base_url, std::string_view provider_id,
                             std::string_view callback_url, std::string_view token,
                             std::string_view identifier);

// A link for `email` as the email flow makes one through the first provider: the address
// normalized as that provider does, `callback_url` (empty: the origin) resolved by the redirect
// rules (an Error, kind "invalid_input", when they refuse it rather than a silent change to the
// origin), a fresh token kept only as its hash for the provider's max age, the older links and
// codes of the address voided when the policy says so. Needs AuthConfig::url (the origin and
// base path) and a secret (Error kind "configuration" otherwise). No email is sent and no
// one-time code made; no rate limit, domain policy or signIn callback applies (an operator asks).
Result<SignInLink> make_sign_in_link(const AuthState& state, std::string_view email,
                                     std::string_view callback_url);

}  // namespace linkgate::core
