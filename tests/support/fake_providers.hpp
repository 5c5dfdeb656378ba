// Fake Postmark and Forward Email APIs for tests: real HTTP servers on 127.0.0.1 (see
// fake_http_server.hpp) that check every header and JSON field the real APIs require and
// answer like them. Point the mailer (or the linkgate binary: AUTH_POSTMARK_KEY plus the
// provider's base URL setting) at base_url().
//
//   linkgate::testing::FakePostmark postmark("server-token");
//   ... sign in through linkgate with Postmark at postmark.base_url() ...
//   ASSERT_TRUE(postmark.wait_for_messages(1));
//   EXPECT_TRUE(postmark.failures().empty());
//   std::string link = postmark.messages()[0].link;   // the magic link, to follow
//   postmark.fail_next(500, 2);                       // the next two sends answer HTTP 500
//
// Checks (each miss is recorded in failures() and answered with the real API's error status):
//   Postmark: POST /email; Accept and Content-Type application/json; X-Postmark-Server-Token
//     equal to the expected token (401, ErrorCode 10); a JSON object body (422, ErrorCode 402);
//     From, To, Subject, TextBody, HtmlBody, MessageStream each a non-empty string, To exactly
//     one address (422, ErrorCode 300); MessageStream "outbound" (422, ErrorCode 1235).
//     Success: 200 {"To","SubmittedAt","MessageID","ErrorCode":0,"Message":"OK"}.
//   Forward Email: POST /v1/emails; Authorization "Basic base64(<key>:)" (401); Content-Type
//     application/json and a JSON object body; from, to, subject, html, text each a non-empty
//     string, to exactly one address (400). Success: 200 with a JSON email object.
//   A wrong method or path is answered 405 or 404. Header-level misses of Accept/Content-Type
//   are answered 406/415 (an approximation: what matters is that the sender sees a non-2xx).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/fake_http_server.hpp"

namespace linkgate::testing {

// One message a fake provider accepted.
struct FakeEmail {
  std::string to;
  std::string from;
  std::string subject;
  std::string html;
  std::string text;
  std::string link;  // the first http:// or https:// link in the text body, or empty
};

// How fail_next() answers.
struct FakeFailure {
  std::optional<int> retry_after_seconds;  // adds a Retry-After header (e.g. with 429, 503)
  std::string message;                     // the provider's error text; a default when empty
  bool echo_request = false;  // appends the raw request body to the error text, as some
                              // providers echo input: tests that the sender scrubs it

  static FakeFailure with_message(std::string message, bool echo_request = false) {
    FakeFailure failure;
    failure.message = std::move(message);
    failure.echo_request = echo_request;
    return failure;
  }
  static FakeFailure with_retry_after(int seconds) {
    FakeFailure failure;
    failure.retry_after_seconds = seconds;
    return failure;
  }
};

// What FakePostmark and FakeForwardEmail share. Every method is thread-safe.
class FakeMailProvider {
 public:
  virtual ~FakeMailProvider();
  FakeMailProvider(const FakeMailProvider&) = delete;
  FakeMailProvider& operator=(const FakeMailProvider&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>"

  // Messages accepted so far (valid requests answered 2xx), oldest first.
  std::vector<FakeEmail> messages() const;
  // Every validation miss so far, e.g. "request 1: X-Postmark-Server-Token: wrong token".
  std::vector<std::string> failures() const;
  // Every request received, valid or not.
  std::vector<RecordedRequest> requests() const;
  // Waits until at least n messages were accepted; false on timeout.
  bool wait_for_messages(std::size_t n,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  // The next `count` requests are answered `status` (e.g. 422, 429, 500) with the provider's
  // error body, and not accepted, whether they are valid or not (they are still validated).
  void fail_next(int status, int count = 1, FakeFailure failure = {});
  // Forgets messages, failures, requests and pending fail_next answers.
  void clear();

  // The underlying server, e.g. for set_never_answer(true) or stop().
  FakeHttpServer& server();

  // For providers built on this class:
  // What a provider decides about one request when no failure is queued.
  struct Verdict {
    std::vector<std::string> failures;  // empty when the request is valid
    std::optional<FakeEmail> email;     // set when valid
    FakeResponse response;              // the answer (2xx when valid)
  };
  using Checker = std::function<Verdict(const RecordedRequest&)>;
  // Builds the provider's error body for fail_next() (Retry-After is added by the caller).
  using FailureAnswer = std::function<FakeResponse(int status, const std::string& text)>;

 protected:
  // The functions run on the server thread; they must not capture the derived object.
  FakeMailProvider(Checker checker, FailureAnswer failure_answer);

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

// A fake https://api.postmarkapp.com expecting `server_token`.
class FakePostmark : public FakeMailProvider {
 public:
  explicit FakePostmark(std::string server_token = "fake-postmark-token");
};

// A fake https://api.forwardemail.net expecting `api_key`.
class FakeForwardEmail : public FakeMailProvider {
 public:
  explicit FakeForwardEmail(std::string api_key = "fake-forwardemail-key");
};

// The first http:// or https:// link in a text, or empty.
std::string first_link(const std::string& text);

}  // namespace linkgate::testing
