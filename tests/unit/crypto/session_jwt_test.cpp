#include "core/session_jwt.hpp"

#include <gtest/gtest.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <string>

#include "core/jwe.hpp"

namespace linkgate::core {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kCookie = "authjs.session-token";
const TimePoint kNow{std::chrono::seconds(1'700'000'000) + 250ms};

boost::json::object jane() {
  return boost::json::parse(
             R"({"name":"Jane","email":"jane@example.com","picture":null,"sub":"1"})")
      .as_object();
}

TEST(SessionJwt, RoundTripSetsIatExpJti) {
  const SessionJwtCodec codec({"secret"}, kCookie);
  const std::string token = codec.encode(jane(), kNow, 3600s);
  const auto claims = codec.decode(token, kNow);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->at("name"), "Jane");
  EXPECT_EQ(claims->at("email"), "jane@example.com");
  EXPECT_TRUE(claims->at("picture").is_null());
  EXPECT_EQ(claims->at("sub"), "1");
  EXPECT_EQ(claims->at("iat").to_number<std::int64_t>(), 1'700'000'000);
  EXPECT_EQ(claims->at("exp").to_number<std::int64_t>(), 1'700'003'600);
  ASSERT_TRUE(claims->at("jti").is_string());
  const std::string jti(claims->at("jti").as_string());
  EXPECT_EQ(jti.size(), 36u);
  EXPECT_EQ(jti[14], '4');
}

// The /session path decodes into an arena on its stack frame (actions/session.cpp).
TEST(SessionJwt, DecodeAllocatesTheClaimsFromTheGivenStorage) {
  const SessionJwtCodec codec({"secret"}, kCookie);
  const std::string token = codec.encode(jane(), kNow, 3600s);
  unsigned char bytes[2048];
  boost::json::monotonic_resource arena(bytes, sizeof bytes);
  const boost::json::storage_ptr storage(&arena);
  const auto in_arena = codec.decode(token, kNow, storage);
  ASSERT_TRUE(in_arena);
  EXPECT_EQ(in_arena->storage().get(), &arena);
  EXPECT_EQ(in_arena->at("email").as_string().storage().get(), &arena);
  EXPECT_EQ(in_arena->at("email"), "jane@example.com");
  const auto on_heap = codec.decode(token, kNow);
  ASSERT_TRUE(on_heap);
  EXPECT_EQ(on_heap->storage().get(), boost::json::storage_ptr().get());
  EXPECT_EQ(*on_heap, *in_arena);
}

TEST(SessionJwt, EncodeOverwritesIatExpJtiAuthjs5) {
  const SessionJwtCodec codec({"secret"}, kCookie);
  boost::json::object claims = jane();
  claims["iat"] = 1;
  claims["exp"] = 2;
  claims["jti"] = "old";
  const auto decoded = codec.decode(codec.encode(claims, kNow, 60s), kNow);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->at("iat").to_number<std::int64_t>(), 1'700'000'000);
  EXPECT_EQ(decoded->at("exp").to_number<std::int64_t>(), 1'700'000'060);
  EXPECT_NE(decoded->at("jti"), "old");
}

TEST(SessionJwt, FreshJtiEachEncode) {
  const SessionJwtCodec codec({"secret"}, kCookie);
  const auto a = codec.decode(codec.encode(jane(), kNow, 60s), kNow);
  const auto b = codec.decode(codec.encode(jane(), kNow, 60s), kNow);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->at("jti"), b->at("jti"));
}

// authjs-behaviour.md §5 "Secret rotation", SPEC C7.
TEST(SessionJwt, RotationEncodesWithFirstDecodesWithAny) {
  const std::string token = SessionJwtCodec({"new", "old"}, kCookie).encode(jane(), kNow, 60s);
  EXPECT_TRUE(SessionJwtCodec({"new"}, kCookie).decode(token, kNow));
  EXPECT_TRUE(SessionJwtCodec({"other", "new"}, kCookie).decode(token, kNow));
  EXPECT_FALSE(SessionJwtCodec({"old"}, kCookie).decode(token, kNow));

  const std::string old_token = SessionJwtCodec({"old"}, kCookie).encode(jane(), kNow, 60s);
  EXPECT_TRUE(SessionJwtCodec({"new", "old"}, kCookie).decode(old_token, kNow));
  EXPECT_FALSE(SessionJwtCodec({"other"}, kCookie).decode(old_token, kNow));
  EXPECT_FALSE(SessionJwtCodec({"other", "another"}, kCookie).decode(old_token, kNow));
}

TEST(SessionJwt, CookieNameIsPartOfTheKey) {
  const std::string token = SessionJwtCodec({"secret"}, kCookie).encode(jane(), kNow, 60s);
  EXPECT_FALSE(SessionJwtCodec({"secret"}, "__Secure-authjs.session-token").decode(token, kNow));
}

// authjs-behaviour.md §5: exp is checked with a 15 s clock tolerance.
TEST(SessionJwt, ExpiryHasFifteenSecondToleranceAuthjs5) {
  const SessionJwtCodec codec({"secret"}, kCookie);
  const std::string token = codec.encode(jane(), kNow, 60s);  // exp = 1'700'000'060
  EXPECT_TRUE(codec.decode(token, kNow + 60s));
  EXPECT_TRUE(codec.decode(token, kNow + 74s));
  EXPECT_FALSE(codec.decode(token, kNow + 75s));  // exp <= now - 15
  EXPECT_FALSE(codec.decode(token, kNow + 76s));
  EXPECT_FALSE(codec.decode(token, kNow + 3600s));
}

TEST(SessionJwt, NotBeforeHasFifteenSecondTolerance) {
  const JweKey key = derive_session_key("secret", kCookie);
  const SessionJwtCodec codec({"secret"}, kCookie);
  const std::string token = jwe_encrypt(key, R"({"sub":"1","nbf":1700000015})");
  EXPECT_TRUE(codec.decode(token, kNow));
  EXPECT_FALSE(codec.decode(token, kNow - 1s));
}

TEST(SessionJwt, NonObjectPayloadsAreRejected) {
  const JweKey key = derive_session_key("secret", kCookie);
  const SessionJwtCodec codec({"secret"}, kCookie);
  for (const std::string_view payload :
       {"[1,2]", "\"text\"", "42", "null", "not json", "{\"sub\":\"1\"", "", "{} {}"}) {
    EXPECT_FALSE(codec.decode(jwe_encrypt(key, payload), kNow)) << payload;
  }
  EXPECT_TRUE(codec.decode(jwe_encrypt(key, "{}"), kNow));
}

TEST(SessionJwt, NonNumericTimeClaimsAreRejected) {
  const JweKey key = derive_session_key("secret", kCookie);
  const SessionJwtCodec codec({"secret"}, kCookie);
  for (const std::string_view payload :
       {R"({"exp":"4000000000"})", R"({"nbf":null})", R"({"iat":"now"})", R"({"exp":[1]})"}) {
    EXPECT_FALSE(codec.decode(jwe_encrypt(key, payload), kNow)) << payload;
  }
  EXPECT_TRUE(codec.decode(jwe_encrypt(key, R"({"exp":4000000000.5})"), kNow));
}

TEST(SessionJwt, GarbageTokensAreRejected) {
  const SessionJwtCodec codec({"secret"}, kCookie);
  for (const std::string_view token : {"", "abc", "a.b.c.d.e", "....", "eyJ..."}) {
    EXPECT_FALSE(codec.decode(token, kNow)) << token;
  }
}

// A token minted by Auth.js 0.41.3 itself (`@auth/core/jwt` encode, secret "secret", salt
// "authjs.session-token"); decrypting it proves key derivation, kid and AEAD interoperate.
constexpr std::string_view kAuthjsToken =
    "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiN3g5RFVNVmFFVTZnaWFiMGwwT1dEdDRlNF"
    "NzUkhfY2J3TW9mMkV6RXl5Nm9uSzVvOHhTUFBCNzk5UlZvcW0ydjZ6Njc0a1FDdjlqb20yVDhTLWExZFEifQ..d0-8"
    "FKpiUxKuUyUJHj006w.tdWM75uqkNeAYBv6Q1xTAN5d9zTcVlzimOYu7rxvmTLCrW_SOgjn4NltEECq1QbfTb4fcrx"
    "TdjNd0fHNRCC7A-Do2WozbIa1RRpN46VoXpHVMQ670smkRtenfi5hsB2dwJhK7h1CTldhq8wxIp0i3EPHxRZIVkct4"
    "SL7vfG0T3G0H4-FJBU-RL7M9AgYrd-PFEC5I5c_eIKjnt-opJMuvQ.lr99IjV9S7gJ-MQQgCoLT5me0pRrYFP6g0Hg"
    "l1VZy5k";

TEST(SessionJwt, JweLayerDecryptsTokenMintedByAuthjsAuthjs5) {
  EXPECT_EQ(jwe_decrypt(kAuthjsToken, {derive_session_key("secret", kCookie)}),
            R"({"name":"Jane","email":"jane@example.com","picture":null,"sub":"1",)"
            R"("iat":1795398851,"exp":4948998851,"jti":"d8f822f7-3e0d-4b8f-b12a-600e9fcd29d3"})");
}

TEST(SessionJwt, DecodesTokenMintedByAuthjsAuthjs5) {
  const SessionJwtCodec codec({"secret"}, kCookie);
  const TimePoint now{std::chrono::seconds(1'795'398'851)};
  const auto claims = codec.decode(kAuthjsToken, now);
  ASSERT_TRUE(claims);
  EXPECT_EQ(*claims, boost::json::parse(
                         R"({"name":"Jane","email":"jane@example.com","picture":null,"sub":"1",)"
                         R"("iat":1795398851,"exp":4948998851,)"
                         R"("jti":"d8f822f7-3e0d-4b8f-b12a-600e9fcd29d3"})")
                         .as_object());
  // Rotation applies to foreign tokens too; a wrong secret fails.
  EXPECT_TRUE(SessionJwtCodec({"newer", "secret"}, kCookie).decode(kAuthjsToken, now));
  EXPECT_FALSE(SessionJwtCodec({"wrong"}, kCookie).decode(kAuthjsToken, now));
}

}  // namespace
}  // namespace linkgate::core
