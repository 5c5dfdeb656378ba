// Reading a From/To value: "a@b.example" or "Display Name <a@b.example>" (RFC 5322 name-addr,
// the forms EMAIL_FROM takes). Providers need the parts: Mailgun's URL takes the domain,
// SendGrid takes email and name apart, SMTP's MAIL FROM takes the bare address.
#pragma once

#include <string>
#include <string_view>

#include "linkgate/result.hpp"

namespace linkgate::mail {

struct Mailbox {
  std::string display_name;  // unquoted and unescaped; empty when there is none
  std::string address;       // "local@domain"
  std::string domain() const { return address.substr(address.rfind('@') + 1); }
};

// Errors (kind "invalid_input") for: CR, LF or NUL anywhere (header injection), a list of
// several addresses, an address without exactly one '@' outside quotes or with an empty local
// part or domain, spaces or <>()[],;:\" in the address, an unclosed '<' or quote.
Result<Mailbox> parse_mailbox(std::string_view text);

}  // namespace linkgate::mail
