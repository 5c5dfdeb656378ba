#include "support/fake_api_providers.hpp"

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <utility>

#include "core/form.hpp"
#include "support/fake_checks.hpp"

namespace linkgate::testing {

namespace json = boost::json;

namespace {

// Collects misses; the first decides the answer, like the real APIs.
struct Judge {
  FakeMailProvider::Verdict verdict;
  std::optional<FakeResponse> answer;
  void miss(std::string what, FakeResponse response) {
    verdict.failures.push_back(std::move(what));
    if (!answer) answer = std::move(response);
  }
  bool failed() const { return answer.has_value(); }
  FakeMailProvider::Verdict reject() {
    verdict.response = std::move(*answer);
    return std::move(verdict);
  }
};

bool is_bare_address(const std::string& value) {
  return is_single_address(value) && value.find('<') == std::string::npos;
}

void check_bearer(Judge& j, const RecordedRequest& r, const std::string& key,
                  const std::function<FakeResponse(int, const std::string&)>& error,
                  int wrong_status) {
  const std::string authorization = r.header("Authorization").value_or("");
  if (authorization.empty()) {
    j.miss("Authorization: missing", error(401, "Missing API key"));
  } else if (authorization != "Bearer " + key || r.header_count("Authorization") != 1) {
    j.miss("Authorization: not Bearer <key> with the expected key",
           error(wrong_status, "API key is invalid"));
  }
}

void check_route(Judge& j, const RecordedRequest& r, const std::string& path,
                 const std::function<FakeResponse(int, const std::string&)>& error) {
  if (r.method != "POST") j.miss("method is " + r.method + ", expected POST", error(405, "Method"));
  if (r.target != path)
    j.miss("path is " + r.target + ", expected " + path, error(404, "Not found"));
}

void check_json_type(Judge& j, const RecordedRequest& r,
                     const std::function<FakeResponse(int, const std::string&)>& error) {
  if (!is_json_media_type(r.header("Content-Type"))) {
    j.miss("Content-Type: expected application/json, got '" +
               r.header("Content-Type").value_or("") + "'",
           error(415, "Content-Type must be application/json"));
  }
}

// ---------------------------------------------------------------------------------------------
// Resend: https://resend.com/docs/api-reference/emails/send-email

FakeResponse resend_error(int status, const std::string& message) {
  const char* name = status == 401   ? "missing_api_key"
                     : status == 403 ? "invalid_api_key"
                     : status == 429 ? "rate_limit_exceeded"
                     : status >= 500 ? "internal_server_error"
                                     : "validation_error";
  return json_response(status, {{"statusCode", status}, {"message", message}, {"name", name}});
}

FakeMailProvider::Verdict check_resend(const std::string& key, const RecordedRequest& r) {
  Judge j;
  check_route(j, r, "/emails", resend_error);
  check_bearer(j, r, key, resend_error, 403);
  check_json_type(j, r, resend_error);
  std::vector<std::string> misses;
  const auto object = parse_fields(r.body, {"from", "to", "subject", "html", "text"}, misses);
  for (auto& m : misses) j.miss(m, resend_error(422, m));
  if (object) {
    if (!is_single_address(field(*object, "to"))) {
      j.miss("to is not exactly one address", resend_error(422, "Invalid `to` field."));
    }
    if (!is_single_address(field(*object, "from"))) {
      j.miss("from is not one address", resend_error(422, "Invalid `from` field."));
    }
    if (object->size() != 5) j.miss("unexpected extra fields", resend_error(422, "extra"));
  }
  if (j.failed()) return j.reject();
  j.verdict.email =
      FakeEmail{field(*object, "to"),   field(*object, "from"), field(*object, "subject"),
                field(*object, "html"), field(*object, "text"), first_link(field(*object, "text"))};
  j.verdict.response = json_response(200, {{"id", next_id()}});
  return std::move(j.verdict);
}

// ---------------------------------------------------------------------------------------------
// SendGrid: https://docs.sendgrid.com/api-reference/mail-send/mail-send

FakeResponse sendgrid_error(int status, const std::string& message) {
  return json_response(
      status, {{"errors", json::array{json::object{
                              {"message", message}, {"field", nullptr}, {"help", nullptr}}}}});
}

const json::object* object_at(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr ? v->if_object() : nullptr;
}
const json::array* array_at(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr ? v->if_array() : nullptr;
}

FakeMailProvider::Verdict check_sendgrid(const std::string& key, const RecordedRequest& r) {
  Judge j;
  check_route(j, r, "/v3/mail/send", sendgrid_error);
  check_bearer(j, r, key, sendgrid_error, 401);
  check_json_type(j, r, sendgrid_error);
  std::vector<std::string> misses;
  const auto object = parse_fields(r.body, {"subject"}, misses);
  for (auto& m : misses) j.miss(m, sendgrid_error(400, m));
  FakeEmail email;
  if (object) {
    email.subject = field(*object, "subject");
    const json::array* personalizations = array_at(*object, "personalizations");
    const json::object* first = personalizations && personalizations->size() == 1
                                    ? (*personalizations)[0].if_object()
                                    : nullptr;
    const json::array* to = first ? array_at(*first, "to") : nullptr;
    const json::object* recipient = to && to->size() == 1 ? (*to)[0].if_object() : nullptr;
    if (recipient == nullptr || recipient->size() != 1 ||
        !is_bare_address(field(*recipient, "email"))) {
      j.miss("personalizations is not [{to:[{email: one bare address}]}]",
             sendgrid_error(400, "The to array is required for all personalization objects."));
    } else {
      email.to = field(*recipient, "email");
    }
    const json::object* from = object_at(*object, "from");
    if (from == nullptr || !is_bare_address(field(*from, "email"))) {
      j.miss("from is not {email: bare address}",
             sendgrid_error(400, "The from object must be provided for every email send."));
    } else {
      const json::value* name = from->if_contains("name");
      if (name != nullptr && (!name->is_string() || name->as_string().empty())) {
        j.miss("from.name is not a non-empty string", sendgrid_error(400, "Invalid from.name"));
      }
      email.from = name != nullptr && name->is_string()
                       ? std::string(name->as_string()) + " <" + field(*from, "email") + ">"
                       : field(*from, "email");
    }
    const json::array* content = array_at(*object, "content");
    const auto part = [&](std::size_t i, const char* type) -> std::optional<std::string> {
      const json::object* p = content && content->size() == 2 ? (*content)[i].if_object() : nullptr;
      if (p == nullptr || field(*p, "type") != type || field(*p, "value").empty()) {
        return std::nullopt;
      }
      return field(*p, "value");
    };
    const auto text = part(0, "text/plain");
    const auto html = part(1, "text/html");
    if (!text || !html) {
      j.miss("content is not [text/plain, text/html] with values",
             sendgrid_error(400, "If present, text/plain must be first, followed by text/html."));
    } else {
      email.text = *text;
      email.html = *html;
      email.link = first_link(*text);
    }
  }
  if (j.failed()) return j.reject();
  j.verdict.email = std::move(email);
  j.verdict.response = FakeResponse{202, "", "", {{"X-Message-Id", next_id()}}};
  return std::move(j.verdict);
}

// ---------------------------------------------------------------------------------------------
// Mailgun: https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Messages/

FakeResponse mailgun_error(int status, const std::string& message) {
  return json_response(status, {{"message", message}});
}

// Every value of each field of an x-www-form-urlencoded body (core::parse_form keeps only the
// last, and a repeated field must be noticed).
std::map<std::string, std::vector<std::string>> form_fields(const std::string& body) {
  std::map<std::string, std::vector<std::string>> out;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    const auto name = core::percent_decode(pair.substr(0, eq), true);
    const auto value =
        core::percent_decode(eq == std::string::npos ? "" : pair.substr(eq + 1), true);
    out[name.value_or("(bad name)")].push_back(value.value_or("(bad escape)"));
    start = end + 1;
  }
  return out;
}

FakeMailProvider::Verdict check_mailgun(const std::string& key, const std::string& domain,
                                        const RecordedRequest& r) {
  Judge j;
  check_route(j, r, "/v3/" + domain + "/messages", mailgun_error);
  const std::string authorization = r.header("Authorization").value_or("");
  if (lower(authorization.substr(0, 6)) != "basic " ||
      base64_decode(trim(authorization.substr(std::min<std::size_t>(6, authorization.size())))) !=
          "api:" + key) {
    j.miss("Authorization: not Basic base64(api:<key>) with the expected key",
           mailgun_error(401, "Forbidden"));
  }
  const std::string type =
      lower(trim(r.header("Content-Type")
                     .value_or("")
                     .substr(0, r.header("Content-Type").value_or("").find(';'))));
  if (type != "application/x-www-form-urlencoded") {
    j.miss("Content-Type: expected application/x-www-form-urlencoded, got '" + type + "'",
           mailgun_error(400, "unsupported Content-Type"));
  }
  auto fields = form_fields(r.body);
  FakeEmail email;
  for (const char* name : {"from", "to", "subject", "html", "text"}) {
    const auto it = fields.find(name);
    if (it == fields.end() || it->second.size() != 1 || it->second[0].empty()) {
      j.miss(std::string("field ") + name + " missing, repeated or empty",
             mailgun_error(400, std::string("'") + name + "' parameter is missing"));
    }
  }
  if (fields.size() != 5) j.miss("unexpected extra fields", mailgun_error(400, "extra fields"));
  if (!j.failed()) {
    email = FakeEmail{fields["to"][0],   fields["from"][0], fields["subject"][0],
                      fields["html"][0], fields["text"][0], first_link(fields["text"][0])};
    if (!is_single_address(email.to)) {
      j.miss("to is not exactly one address", mailgun_error(400, "to parameter is not valid"));
    }
    std::string from_address = email.from;
    if (const auto open = from_address.find('<'); open != std::string::npos) {
      from_address = from_address.substr(open + 1, from_address.size() - open - 2);
    }
    if (!is_single_address(email.from) ||
        from_address.substr(from_address.find('@') + 1) != domain) {
      j.miss("from is not one address at " + domain + ": " + email.from,
             mailgun_error(400, "from parameter is not a valid address at the domain"));
    }
  }
  if (j.failed()) return j.reject();
  j.verdict.email = std::move(email);
  // Appended rather than `"<" + ...`: GCC 12 warns falsely (-Wrestrict) on that inlined form.
  std::string id = "<";
  id.append(next_id()).append("@").append(domain).append(">");
  j.verdict.response = json_response(200, {{"id", id}, {"message", "Queued. Thank you."}});
  return std::move(j.verdict);
}

// ---------------------------------------------------------------------------------------------
// Loops: https://loops.so/docs/api-reference/send-transactional-email

FakeResponse loops_error(int status, const std::string& message) {
  return json_response(status, {{"success", false}, {"message", message}});
}

FakeMailProvider::Verdict check_loops(const std::string& key, const std::string& transactional_id,
                                      const RecordedRequest& r) {
  Judge j;
  check_route(j, r, "/api/v1/transactional", loops_error);
  check_bearer(j, r, key, loops_error, 401);
  check_json_type(j, r, loops_error);
  std::vector<std::string> misses;
  const auto object = parse_fields(r.body, {"transactionalId", "email"}, misses);
  for (auto& m : misses) j.miss(m, loops_error(400, m));
  FakeEmail email;
  if (object) {
    if (object->size() != 3) j.miss("fields other than the three", loops_error(400, "extra"));
    if (!field(*object, "transactionalId").empty() &&
        field(*object, "transactionalId") != transactional_id) {
      j.miss("transactionalId is not the expected one",
             loops_error(404, "Transactional email not found."));
    }
    email.to = field(*object, "email");
    if (!email.to.empty() && !is_bare_address(email.to)) {
      j.miss("email is not one bare address", loops_error(400, "Invalid email address."));
    }
    const json::object* data = object_at(*object, "dataVariables");
    email.link = data ? field(*data, "url") : "";
    if (data == nullptr || data->size() != 1 || email.link.empty()) {
      j.miss("dataVariables is not {url: non-empty string}",
             loops_error(400, "Missing required data variable: url"));
    }
  }
  if (j.failed()) return j.reject();
  j.verdict.email = std::move(email);
  j.verdict.response = json_response(200, {{"success", true}});
  return std::move(j.verdict);
}

}  // namespace

FakeResend::FakeResend(std::string api_key)
    : FakeMailProvider(
          [key = std::move(api_key)](const RecordedRequest& r) { return check_resend(key, r); },
          resend_error) {}

FakeSendGrid::FakeSendGrid(std::string api_key)
    : FakeMailProvider(
          [key = std::move(api_key)](const RecordedRequest& r) { return check_sendgrid(key, r); },
          sendgrid_error) {}

FakeMailgun::FakeMailgun(std::string api_key, std::string domain)
    : FakeMailProvider([key = std::move(api_key), domain = std::move(domain)](
                           const RecordedRequest& r) { return check_mailgun(key, domain, r); },
                       mailgun_error) {}

FakeLoops::FakeLoops(std::string api_key, std::string transactional_id)
    : FakeMailProvider([key = std::move(api_key), id = std::move(transactional_id)](
                           const RecordedRequest& r) { return check_loops(key, id, r); },
                       loops_error) {}

}  // namespace linkgate::testing
