#include "support/fake_providers.hpp"

#include "support/fake_checks.hpp"

#include <algorithm>
#include <atomic>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <regex>
#include <utility>

namespace linkgate::testing {

namespace json = boost::json;

std::string first_link(const std::string& text) {
  static const std::regex link(R"(https?://[^\s<>"']+)");
  std::smatch match;
  return std::regex_search(text, match, link) ? match.str() : std::string();
}

// ---------------------------------------------------------------------------------------------
// The shared machinery: validation results, queued failures, accepted messages.

struct FakeMailProvider::State {
  struct Pending {
    int status;
    int remaining;
    FakeFailure failure;
  };

  Checker checker;
  FailureAnswer failure_answer;
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<FakeEmail> messages;
  std::vector<std::string> failures;
  std::deque<Pending> pending;
  std::size_t request_number = 0;

  FakeResponse handle(const RecordedRequest& request) {
    Verdict verdict = checker(request);
    std::unique_lock lock(mutex);
    const std::size_t number = ++request_number;
    for (const auto& miss : verdict.failures) {
      failures.push_back("request " + std::to_string(number) + ": " + miss);
    }
    if (!pending.empty()) {
      const Pending current = pending.front();
      if (--pending.front().remaining <= 0) pending.pop_front();
      lock.unlock();
      std::string text = current.failure.message.empty()
                             ? "simulated failure (HTTP " + std::to_string(current.status) + ")"
                             : current.failure.message;
      if (current.failure.echo_request) text += ": " + request.body;
      FakeResponse response = failure_answer(current.status, text);
      if (current.failure.retry_after_seconds) {
        response.headers.emplace_back("Retry-After",
                                      std::to_string(*current.failure.retry_after_seconds));
      }
      return response;
    }
    if (verdict.email) {
      messages.push_back(*verdict.email);
      lock.unlock();
      changed.notify_all();
    }
    return verdict.response;
  }
};

FakeMailProvider::FakeMailProvider(Checker checker, FailureAnswer failure_answer)
    : state_(std::make_shared<State>()) {
  state_->checker = std::move(checker);
  state_->failure_answer = std::move(failure_answer);
  server_ = std::make_unique<FakeHttpServer>(
      [state = state_](const RecordedRequest& request) { return state->handle(request); });
}

FakeMailProvider::~FakeMailProvider() {
  server_->stop();
}

std::string FakeMailProvider::base_url() const {
  return server_->base_url();
}

std::vector<FakeEmail> FakeMailProvider::messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

std::vector<std::string> FakeMailProvider::failures() const {
  std::lock_guard lock(state_->mutex);
  return state_->failures;
}

std::vector<RecordedRequest> FakeMailProvider::requests() const {
  return server_->requests();
}

bool FakeMailProvider::wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->messages.size() >= n; });
}

void FakeMailProvider::fail_next(int status, int count, FakeFailure failure) {
  if (count <= 0) return;
  std::lock_guard lock(state_->mutex);
  state_->pending.push_back(State::Pending{status, count, std::move(failure)});
}

void FakeMailProvider::clear() {
  {
    std::lock_guard lock(state_->mutex);
    state_->messages.clear();
    state_->failures.clear();
    state_->pending.clear();
  }
  server_->clear_requests();
}

FakeHttpServer& FakeMailProvider::server() {
  return *server_;
}

// ---------------------------------------------------------------------------------------------
// Postmark: https://postmarkapp.com/developer/api/email-api

namespace {

FakeResponse postmark_error(int status, int error_code, const std::string& message) {
  return json_response(status, {{"ErrorCode", error_code}, {"Message", message}});
}

FakeMailProvider::Verdict check_postmark(const std::string& token, const RecordedRequest& r) {
  FakeMailProvider::Verdict v;
  std::optional<FakeResponse> answer;  // the first miss decides the status, like the real API
  auto miss = [&](std::string what, FakeResponse response) {
    v.failures.push_back(std::move(what));
    if (!answer) answer = std::move(response);
  };

  if (r.method != "POST")
    miss("method is " + r.method + ", expected POST", postmark_error(405, 0, "Method not allowed"));
  if (r.target != "/email")
    miss("path is " + r.target + ", expected /email", postmark_error(404, 0, "Not found"));
  const auto given = r.header("X-Postmark-Server-Token");
  if (!given || given->empty()) {
    miss("X-Postmark-Server-Token: missing",
         postmark_error(401, 10,
                        "No Account or Server API tokens were supplied in the HTTP headers. "
                        "Please add a header for either X-Postmark-Server-Token or "
                        "X-Postmark-Account-Token."));
  } else if (*given != token || r.header_count("X-Postmark-Server-Token") != 1) {
    miss("X-Postmark-Server-Token: wrong token",
         postmark_error(401, 10,
                        "The Server Token you provided in the X-Postmark-Server-Token request "
                        "header was invalid. Please verify that you are using a valid token."));
  }
  if (!is_json_media_type(r.header("Accept"))) {
    miss("Accept: expected application/json, got '" + r.header("Accept").value_or("") + "'",
         postmark_error(406, 0, "Accept header must be application/json"));
  }
  if (!is_json_media_type(r.header("Content-Type"))) {
    miss("Content-Type: expected application/json, got '" + r.header("Content-Type").value_or("") +
             "'",
         postmark_error(415, 0, "Content-Type header must be application/json"));
  }

  std::vector<std::string> field_misses;
  const auto object = parse_fields(
      r.body, {"From", "To", "Subject", "TextBody", "HtmlBody", "MessageStream"}, field_misses);
  if (!object) {
    miss(field_misses.front(), postmark_error(422, 402, "Received invalid JSON input."));
  } else {
    for (auto& m : field_misses) miss(m, postmark_error(422, 300, "Invalid email request: " + m));
    const std::string to = field(*object, "To");
    if (!to.empty() && !is_single_address(to)) {
      miss("To is not exactly one address: " + to,
           postmark_error(422, 300, "Error parsing 'To': Illegal email address '" + to + "'"));
    }
    const std::string from = field(*object, "From");
    if (!from.empty() && !is_single_address(from)) {
      miss("From is not one address: " + from,
           postmark_error(422, 300, "Invalid 'From' address: '" + from + "'."));
    }
    const std::string stream = field(*object, "MessageStream");
    if (!stream.empty() && stream != "outbound") {
      miss("MessageStream is '" + stream + "', expected outbound",
           postmark_error(422, 1235, "The message stream for the provided 'ID' was not found."));
    }
  }

  if (answer) {
    v.response = std::move(*answer);
    return v;
  }
  v.email = FakeEmail{field(*object, "To"),       field(*object, "From"),
                      field(*object, "Subject"),  field(*object, "HtmlBody"),
                      field(*object, "TextBody"), first_link(field(*object, "TextBody"))};
  v.response = json_response(200, {{"To", v.email->to},
                                   {"SubmittedAt", iso_now()},
                                   {"MessageID", next_id()},
                                   {"ErrorCode", 0},
                                   {"Message", "OK"}});
  return v;
}

}  // namespace

FakePostmark::FakePostmark(std::string server_token)
    : FakeMailProvider([token = std::move(server_token)](
                           const RecordedRequest& r) { return check_postmark(token, r); },
                       [](int status, const std::string& text) {
                         const int code = status == 401 ? 10 : status == 422 ? 300 : 0;
                         return postmark_error(status, code, text);
                       }) {}

// ---------------------------------------------------------------------------------------------
// Forward Email: https://forwardemail.net/en/email-api#outbound-emails-create-email

namespace {

std::string reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

FakeResponse forwardemail_error(int status, const std::string& message) {
  return json_response(status,
                       {{"statusCode", status}, {"error", reason(status)}, {"message", message}});
}

FakeMailProvider::Verdict check_forwardemail(const std::string& key, const RecordedRequest& r) {
  FakeMailProvider::Verdict v;
  std::optional<FakeResponse> answer;
  auto miss = [&](std::string what, FakeResponse response) {
    v.failures.push_back(std::move(what));
    if (!answer) answer = std::move(response);
  };

  if (r.method != "POST")
    miss("method is " + r.method + ", expected POST",
         forwardemail_error(405, "Method Not Allowed"));
  if (r.target != "/v1/emails")
    miss("path is " + r.target + ", expected /v1/emails", forwardemail_error(404, "Not Found"));
  const std::string authorization = r.header("Authorization").value_or("");
  if (authorization.empty()) {
    miss("Authorization: missing", forwardemail_error(401, "Invalid API token."));
  } else if (lower(authorization.substr(0, 6)) != "basic " ||
             base64_decode(trim(authorization.substr(6))) != key + ":") {
    miss("Authorization: not Basic base64(<key>:) with the expected key",
         forwardemail_error(401, "Invalid API token."));
  }
  if (!is_json_media_type(r.header("Content-Type"))) {
    miss("Content-Type: expected application/json, got '" + r.header("Content-Type").value_or("") +
             "'",
         forwardemail_error(400, "Content-Type must be application/json"));
  }

  std::vector<std::string> field_misses;
  const auto object = parse_fields(r.body, {"from", "to", "subject", "html", "text"}, field_misses);
  for (auto& m : field_misses) miss(m, forwardemail_error(400, m));
  if (object) {
    const std::string to = field(*object, "to");
    if (!to.empty() && !is_single_address(to)) {
      miss("to is not exactly one address: " + to,
           forwardemail_error(400, "Invalid recipient address."));
    }
    const std::string from = field(*object, "from");
    if (!from.empty() && !is_single_address(from)) {
      miss("from is not one address: " + from, forwardemail_error(400, "Invalid from address."));
    }
  }

  if (answer) {
    v.response = std::move(*answer);
    return v;
  }
  v.email =
      FakeEmail{field(*object, "to"),   field(*object, "from"), field(*object, "subject"),
                field(*object, "html"), field(*object, "text"), first_link(field(*object, "text"))};
  const std::string id = next_id();
  const std::string now = iso_now();
  v.response =
      json_response(200, {{"id", id},
                          {"object", "email"},
                          {"status", "queued"},
                          {"envelope", {{"from", v.email->from}, {"to", json::array{v.email->to}}}},
                          {"messageId", "<" + id + "@forwardemail.net>"},
                          {"subject", v.email->subject},
                          {"accepted", json::array{}},
                          {"date", now},
                          {"created_at", now},
                          {"updated_at", now},
                          {"link", "https://forwardemail.net/my-account/emails/" + id}});
  return v;
}

}  // namespace

FakeForwardEmail::FakeForwardEmail(std::string api_key)
    : FakeMailProvider(
          [key = std::move(api_key)](const RecordedRequest& r) {
            return check_forwardemail(key, r);
          },
          [](int status, const std::string& text) { return forwardemail_error(status, text); }) {}

}  // namespace linkgate::testing
