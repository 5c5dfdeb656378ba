// Internal to the callback action: the steps shared by the magic link and the one-time code
// (SPEC B2, B3), which sign in exactly alike.
#pragma once

#include <optional>
#include <string>

#include "core/context.hpp"
#include "linkgate/config.hpp"
#include "linkgate/http.hpp"

namespace linkgate::core::actions {

// Signs in `identifier`, whose email was just proven by a consumed link or code: the signIn
// callback, the user created on first sign-in or its emailVerified refreshed (§4), the session
// (database row or JWT cookie), the signIn event, and the redirect to the callbackUrl.
// `stored` is the user get_user_by_email(identifier) returned when the link was consumed
// (Store::use_verification_token_and_get_user), nullopt for an address without one.
Response complete_sign_in(Context& ctx, const EmailProvider& provider,
                          const std::string& identifier, std::optional<User> stored);

// True when nothing has to be decided between consuming a link and writing its user (no signIn
// callback, no sign-in hook), so the callback may do both in one store call
// (redeem_link_and_sign_in).
bool signs_in_without_decision(const Context& ctx);

// What redeem_link_and_sign_in did.
struct RedeemedLink {
  bool found = false;  // a row matched, and is now consumed
  // The sign-in's answer, as complete_sign_in gives it; nullopt when the row had expired.
  std::optional<Response> signed_in;
};

// Consumes the link (identifier, token_hash) and, unexpired, signs its address in exactly as
// consuming it and then calling complete_sign_in would, with one store call
// (Store::redeem_link). REQUIRES: signs_in_without_decision(ctx).
Result<RedeemedLink> redeem_link_and_sign_in(Context& ctx, const EmailProvider& provider,
                                             const std::string& identifier,
                                             const std::string& token_hash);

// POST /callback/:provider with a `code` field: redeems a one-time code (SPEC B3). REQUIRES: the
// CSRF pair was verified. Counts one attempt against the client's IP limit and one against the
// code; the right code, unexpired, with its link still unused, consumes both and signs in.
// Anything else goes back to the verify-request page with error=Verification and the address
// kept, so the person can retype.
Response redeem_code(Context& ctx, const EmailProvider& provider);

}  // namespace linkgate::core::actions
