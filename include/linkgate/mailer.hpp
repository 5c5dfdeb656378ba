// The Mailer contract: one call per email sent, through one provider (Postmark, Forward Email,
// SMTP, the dev outbox, ...). Adapters live in src/mail/providers.
//
// send() may block on the network; callers run it off the event loop unless waits_on_fibers()
// says otherwise. Implementations must bound the time of every call (connect and total timeouts)
// and be safe to call from several threads at once.
#pragma once

#include <string>

#include "linkgate/result.hpp"

namespace linkgate {

struct EmailMessage {
  std::string to;    // exactly one validated address
  std::string from;  // e.g. "linkgate <no-reply@localhost>"
  std::string subject;
  std::string text;
  std::string html;
  std::string url;  // the sign-in link the message carries (kept by the dev outbox)
  // What the text says, for a mailer that hands the message to the app instead of sending it
  // (the `webhook` provider). Mailers that send the text itself ignore them.
  std::string code = {};     // the one-time code beside the link; empty when codes are off
  std::string expires = {};  // when the link expires, ISO 8601 UTC
  std::string host = {};     // the link's host with port, e.g. "example.com"
  std::string locale = {};   // the language of the text: "en", or a configured locale's tag
  // The id of the request that sends it (Request::id), for log lines; empty outside a request.
  std::string request_id{};
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Sends one message. On failure the Error (kind "mail") names the provider, the HTTP status
  // and the provider's error text; never the API key, the token or the link.
  virtual Result<void> send(const EmailMessage& message) = 0;
  // True when send() waits only through the waits of src/io/waiter.hpp (its sockets, its sleeps),
  // so that a server may call it on a fiber of its event loop: such a wait suspends the fiber, not
  // the loop. The built-in HTTP API providers do; SMTP and a mailer of the embedder's do not.
  virtual bool waits_on_fibers() const { return false; }
};

}  // namespace linkgate
