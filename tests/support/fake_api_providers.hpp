// Fake Resend, SendGrid, Mailgun and Loops APIs for tests, on the shared FakeMailProvider
// machinery (fake_providers.hpp: messages(), failures(), fail_next(), server()). Each checks
// every header and field its real API requires and answers like it.
//
// Checks (each miss is recorded in failures() and answered with a non-2xx status):
//   Resend: POST /emails; Authorization "Bearer <key>" (401 missing, 403 wrong); Content-Type
//     application/json; from, to, subject, html, text non-empty strings, to and from exactly one
//     address (422). Success: 200 {"id"}.
//   SendGrid: POST /v3/mail/send; Bearer (401); Content-Type application/json;
//     personalizations = [{to: [{email}]}] with one bare address; from = {email: bare address,
//     name?: string}; subject; content = [{type text/plain, value}, {type text/html, value}]
//     (400, {"errors":[{message, field}]}). Success: 202 with an empty body.
//   Mailgun: POST /v3/<domain>/messages for the expected domain (404 otherwise); Authorization
//     "Basic base64(api:<key>)" (401); Content-Type application/x-www-form-urlencoded; fields
//     from, to, subject, html, text each once and non-empty, to one address, from one address
//     whose domain is the domain in the path (400). Success: 200 {"id","message"}.
//   Loops: POST /api/v1/transactional; Bearer (401); Content-Type application/json;
//     {transactionalId: the expected id (404), email: one bare address, dataVariables: {url:
//     non-empty string}} and nothing else (400). Success: 200 {"success":true}. The accepted
//     FakeEmail has `to` and `link` (= dataVariables.url) only.
#pragma once

#include <string>

#include "support/fake_providers.hpp"

namespace linkgate::testing {

class FakeResend : public FakeMailProvider {
 public:
  explicit FakeResend(std::string api_key = "re_fake_key");
};

class FakeSendGrid : public FakeMailProvider {
 public:
  explicit FakeSendGrid(std::string api_key = "SG.fake-key");
};

class FakeMailgun : public FakeMailProvider {
 public:
  FakeMailgun(std::string api_key = "mg-fake-key", std::string domain = "acme.test");
};

class FakeLoops : public FakeMailProvider {
 public:
  FakeLoops(std::string api_key = "loops-fake-key", std::string transactional_id = "tx-123");
};

}  // namespace linkgate::testing
