// Session JWTs: Auth.js's encrypted session cookie (authjs-behaviour.md §5, SPEC C6/C7).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/jwe.hpp"
#include "linkgate/store.hpp"

namespace linkgate::core {

class SessionJwtCodec {
 public:
  // Derives one key per secret for this session cookie name (the HKDF salt includes the
  // __Secure- prefix when there is one). REQUIRES: !secrets.empty().
  SessionJwtCodec(const std::vector<std::string>& secrets, std::string_view cookie_name);

  // Sets iat = now (s), exp = now + max_age (s) and a fresh jti (UUID) over (a copy of) the given
  // claims, and encrypts with the first secret's key.
  std::string encode(const boost::json::object& claims, TimePoint now,
                     std::chrono::seconds max_age) const;

  // Decrypts with whichever secret's key matches, parses the JSON object and checks exp and nbf
  // with a 15 s tolerance. nullopt for anything invalid, expired or not a JSON object. The claims
  // are allocated from `storage` (the heap by default).
  std::optional<boost::json::object> decode(std::string_view token, TimePoint now,
                                            boost::json::storage_ptr storage = {}) const;

 private:
  std::vector<JweKey> keys_;
};

}  // namespace linkgate::core
