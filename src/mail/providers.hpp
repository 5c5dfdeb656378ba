// Factories for the built-in email providers' mailers (SPEC P1–P4).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "linkgate/mailer.hpp"
#include "linkgate/store.hpp"

namespace linkgate::mail {

struct HttpProviderOptions {
  std::string api_key;
  std::string base_url;  // e.g. "https://api.postmarkapp.com" (no trailing slash needed)
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
};

// POST <base>/email, X-Postmark-Server-Token, {From, To, Subject, TextBody, HtmlBody,
// MessageStream:"outbound"}. Default base "https://api.postmarkapp.com".
std::shared_ptr<Mailer> make_postmark_mailer(HttpProviderOptions options);
// POST <base>/v1/emails, Basic base64(key + ":"), {from, to, subject, html, text}.
// Default base "https://api.forwardemail.net".
std::shared_ptr<Mailer> make_forwardemail_mailer(HttpProviderOptions options);
// Keeps each message in the store's outbox (development only).
std::shared_ptr<Mailer> make_outbox_mailer(std::shared_ptr<Store> store,
                                           std::string provider_id = "outbox");

}  // namespace linkgate::mail
