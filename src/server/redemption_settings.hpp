// How emailed links and codes are redeemed (SPEC B2, B3), read from the environment:
// LINKGATE_CONFIRM, LINKGATE_ONE_TIME_CODE, LINKGATE_CODE_DIGITS. Every variable is listed in
// README.md's configuration table and docs/redemption.md.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "linkgate/config.hpp"
#include "linkgate/result.hpp"

namespace linkgate::server {

// LINKGATE_CONFIRM=true|false (default false): GET /callback answers a confirm page whose
// button consumes the link. LINKGATE_ONE_TIME_CODE=true|false (default false): the email also
// carries a code. LINKGATE_CODE_DIGITS (default 6, 6 to 10). `env` returns nullopt for an unset
// (or empty) variable. An Error (kind "configuration") names the variable and what it accepts.
Result<Redemption> read_redemption_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env);

}  // namespace linkgate::server
