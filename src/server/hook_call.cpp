#include "server/hook_call.hpp"

#include <boost/json.hpp>

#include "core/session_cookie.hpp"
#include "crypto/random.hpp"
#include "server/webhook_signature.hpp"

namespace linkgate::server {

std::string new_hook_id() {
  return "msg_" + crypto::random_hex(16);
}

mail::HttpPost signed_hook_post(const std::string& url, std::string_view type,
                                const boost::json::object& data, const std::string& id,
                                const std::vector<std::string>& keys) {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  const auto unix_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  mail::HttpPost post;
  post.url = url;
  post.body = webhook_body(type, core::iso8601(now), boost::json::serialize(data));
  post.headers = webhook_headers(id, unix_seconds, post.body, keys);
  post.headers.emplace_back("Content-Type", "application/json");
  post.headers.emplace_back("User-Agent", "linkgate");
  // A hook answers a few bytes of JSON at most.
  post.max_response_bytes = 16 * 1024;
  return post;
}

}  // namespace linkgate::server
