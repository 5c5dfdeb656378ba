#include "server/webhook_signature.hpp"

#include <boost/json.hpp>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace linkgate::server {

std::vector<std::pair<std::string, std::string>> webhook_headers(
    std::string_view id, std::int64_t unix_seconds, std::string_view body,
    const std::vector<std::string>& keys) {
  const std::string timestamp = std::to_string(unix_seconds);
  std::string signed_content;
  signed_content.append(id).append(".").append(timestamp).append(".").append(body);
  std::string signatures;
  for (const std::string& key : keys) {
    if (!signatures.empty()) signatures += ' ';
    signatures += "v1," + crypto::base64_encode(crypto::hmac_sha256(key, signed_content));
  }
  return {{"webhook-id", std::string(id)},
          {"webhook-timestamp", timestamp},
          {"webhook-signature", std::move(signatures)}};
}

std::string webhook_body(std::string_view type, std::string_view timestamp_iso,
                         std::string_view data) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(data, ec);
  boost::json::object body{{"type", type}, {"timestamp", timestamp_iso}};
  body["data"] = !ec && parsed.is_object() ? std::move(parsed) : boost::json::object();
  return boost::json::serialize(body);
}

}  // namespace linkgate::server
