// Provider errors never carry the key, the token or the link (Mailer contract, SPEC P5).
#include "mail/provider_error.hpp"

#include <gtest/gtest.h>

namespace linkgate::mail {
namespace {

TEST(ProviderError, TakesTheProvidersMessageFromJson) {
  EXPECT_EQ(
      provider_http_error("postmark", 422, R"({"ErrorCode":300,"Message":"Invalid"})", {}).message,
      "postmark: HTTP 422: Invalid (ErrorCode 300)");
  EXPECT_EQ(provider_http_error("forwardemail", 400, R"({"statusCode":400,"message":"Nope"})", {})
                .message,
            "forwardemail: HTTP 400: Nope");
  EXPECT_EQ(provider_http_error("x", 502, "<html>Bad gateway</html>", {}).message,
            "x: HTTP 502: <html>Bad gateway</html>");
  EXPECT_EQ(provider_http_error("x", 500, "", {}).message, "x: HTTP 500: (empty answer)");
}

TEST(ProviderError, ScrubsKeyLinkAndTokenInAllTheirForms) {
  EmailMessage message;
  message.url = "https://h.example/cb?callbackUrl=%2F&token=ab%2Bcd&email=a%40b.c";
  const auto secrets = secrets_for(message, "KEY123", {"S0VZMTIzOg=="});
  const std::string echoed =
      "key KEY123 basic S0VZMTIzOg== link " + message.url +
      " html https://h.example/cb?callbackUrl=%2F&amp;token=ab%2Bcd&amp;email=a%40b.c" +
      " token ab%2Bcd decoded ab+cd";
  const auto error = provider_http_error("p", 400, echoed, secrets);
  // A partial echo keeps the harmless part of the link but never the token.
  const auto partial = provider_http_error("p", 400, "see /cb?token=ab%2Bcd", secrets);
  EXPECT_EQ(partial.message, "p: HTTP 400: see /cb?token=[redacted]");
  for (const std::string secret : {"KEY123", "S0VZMTIzOg==", "ab%2Bcd", "ab+cd", "h.example/cb"}) {
    EXPECT_EQ(error.message.find(secret), std::string::npos) << secret << " in " << error.message;
  }
}

TEST(ProviderError, FlattensControlCharactersAndCutsLongText) {
  const auto error =
      provider_http_error("p", 500, "line1\r\nFAKE LOG LINE" + std::string(1000, 'x'), {});
  EXPECT_EQ(error.message.find('\n'), std::string::npos);
  EXPECT_EQ(error.message.find('\r'), std::string::npos);
  EXPECT_LT(error.message.size(), 400u);
}

}  // namespace
}  // namespace linkgate::mail
