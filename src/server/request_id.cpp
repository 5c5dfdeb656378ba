#include "server/request_id.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace linkgate::server {

bool usable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string make_request_id() {
  // 11 bytes: 15 characters, which std::string holds without allocating.
  return crypto::base64url_encode(crypto::random_bytes(11));
}

std::string request_id_for(const Request& request, const core::TrustedProxies& proxies) {
  if (!proxies.empty()) {
    if (auto given = request.header("x-request-id"); given && usable_request_id(*given)) {
      if (auto peer = core::IpAddress::parse(request.remote_address);
          peer && proxies.contains(*peer)) {
        return std::string(*given);
      }
    }
  }
  return make_request_id();
}

}  // namespace linkgate::server
