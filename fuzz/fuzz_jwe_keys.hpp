// The keys and the known session payload shared by fuzz_jwe and its seed generator.
#pragma once

#include <string_view>

namespace linkgate::fuzz {

inline constexpr std::string_view kJweSecret = "fuzz-secret-known";
inline constexpr std::string_view kJweOtherSecret = "fuzz-secret-other";
inline constexpr std::string_view kJweCookieName = "authjs.session-token";
// The plaintext of every valid token in fuzz/corpus/fuzz_jwe (made by fuzz_jwe_seed).
inline constexpr std::string_view kJwePlaintext =
    R"({"name":"Fuzz","email":"fuzz@example.com","sub":"0b5d6a8e-1f6c-4a39-9d1e-2f0c3b7a9e11",)"
    R"("iat":1700000000,"exp":4102444800,"jti":"6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"})";

}  // namespace linkgate::fuzz
