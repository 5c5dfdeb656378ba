#include "server/redemption_settings.hpp"

#include "server/setting_table.hpp"

namespace linkgate::server {

Result<Redemption> read_redemption_settings(const EnvLookup& env) {
  Redemption r;
  auto confirm = setting_flag(env, "LINKGATE_CONFIRM");
  if (!confirm) return confirm.error();
  r.confirm = *confirm;
  auto code = setting_flag(env, "LINKGATE_ONE_TIME_CODE");
  if (!code) return code.error();
  r.one_time_code = *code;
  auto digits = setting_integer(env, "LINKGATE_CODE_DIGITS");
  if (!digits) return digits.error();
  r.code_digits = static_cast<int>(*digits);
  return r;
}

}  // namespace linkgate::server
