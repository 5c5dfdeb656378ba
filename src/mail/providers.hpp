// Factories for the built-in email providers (SPEC P1–P4, authjs-behaviour.md §6).
//
// Each HTTP provider and SMTP is a Transport (transport.hpp): one try per call. The
// make_*_mailer functions wrap a transport in a single-try Mailer; the server wraps transports
// in make_retrying_mailer (retry.hpp) and make_fallback_mailer (fallback.hpp) instead.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "linkgate/mailer.hpp"
#include "linkgate/store.hpp"
#include "mail/transport.hpp"

namespace linkgate::mail {

struct HttpProviderOptions {
  std::string api_key;
  std::string base_url;  // e.g. "https://api.postmarkapp.com" (no trailing slash needed)
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
};

// POST <base>/email, X-Postmark-Server-Token, {From, To, Subject, TextBody, HtmlBody,
// MessageStream:"outbound"}. Default base "https://api.postmarkapp.com".
std::shared_ptr<Transport> make_postmark_transport(HttpProviderOptions options);
std::shared_ptr<Mailer> make_postmark_mailer(HttpProviderOptions options);

// POST <base>/v1/emails, Basic base64(key + ":"), {from, to, subject, html, text}.
// Default base "https://api.forwardemail.net".
std::shared_ptr<Transport> make_forwardemail_transport(HttpProviderOptions options);
std::shared_ptr<Mailer> make_forwardemail_mailer(HttpProviderOptions options);

// POST <base>/emails, Bearer <key>, {from, to, subject, html, text}.
// Default base "https://api.resend.com".
std::shared_ptr<Transport> make_resend_transport(HttpProviderOptions options);

// POST <base>/v3/mail/send, Bearer <key>, {personalizations:[{to:[{email}]}], from:{email,
// name?}, subject, content:[text/plain, text/html]}. Default base "https://api.sendgrid.com".
// Unlike Auth.js, a From with a display name is split into email and name (SendGrid rejects
// "Name <a@b>" as an email).
std::shared_ptr<Transport> make_sendgrid_transport(HttpProviderOptions options);

struct MailgunOptions {
  HttpProviderOptions http;  // an empty base_url means the region's API
  std::string region = "US";  // "US" → https://api.mailgun.net, "EU" → https://api.eu.mailgun.net
};
// POST <base>/v3/<domain>/messages, Basic base64("api:" + key), x-www-form-urlencoded fields
// from, to, subject, html, text. The domain is the From address's domain, read properly from
// "Name <a@b.c>"; the From is sent as given, display name kept (Auth.js's bug fixed, §6).
std::shared_ptr<Transport> make_mailgun_transport(MailgunOptions options);
// The API base for a region: "EU" (any case) → https://api.eu.mailgun.net, else the US one.
std::string mailgun_api_base(std::string_view region);

struct LoopsOptions {
  HttpProviderOptions http;
  std::string transactional_id;
};
// POST <base>/api/v1/transactional, Bearer <key>, {transactionalId, email, dataVariables:
// {url}}: the template lives in Loops. Default base "https://app.loops.so".
std::shared_ptr<Transport> make_loops_transport(LoopsOptions options);

// Keeps each message in the store's outbox (development only).
std::shared_ptr<Mailer> make_outbox_mailer(std::shared_ptr<Store> store,
                                           std::string provider_id = "outbox");

}  // namespace linkgate::mail
