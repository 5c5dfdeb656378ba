#include "mail/address.hpp"

#include <algorithm>

namespace linkgate::mail {

namespace {

Error invalid(std::string what) {
  return Error{"invalid_input", "email address: " + what};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A bare addr-spec as EMAIL_FROM and normalized identifiers carry it: no spaces, no specials
// other than '.', exactly one '@', non-empty local part and domain.
Result<std::string> check_address(std::string_view address) {
  if (address.empty()) return invalid("empty");
  if (address.find_first_of(" \t<>()[],;:\\\"") != std::string_view::npos) {
    return invalid("unexpected character in the address");
  }
  const auto at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return invalid("the address needs exactly one @");
  }
  if (at == 0 || at + 1 == address.size()) return invalid("empty local part or domain");
  const std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return invalid("malformed domain");
  }
  return std::string(address);
}

// The display name as written: a quoted-string ("Acme, Inc.") is unquoted and unescaped.
Result<std::string> read_display_name(std::string_view name) {
  name = trim(name);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < name.size(); ++i) {
      if (name[i] == '\\' && i + 2 < name.size()) {
        out += name[++i];
      } else if (name[i] == '"') {
        return invalid("stray quote in the display name");
      } else {
        out += name[i];
      }
    }
    return out;
  }
  if (name.find('"') != std::string_view::npos) return invalid("unclosed quote in the name");
  if (name.find_first_of(",;") != std::string_view::npos) {
    return invalid("a list of addresses is not allowed");
  }
  return std::string(name);
}

}  // namespace

Result<Mailbox> parse_mailbox(std::string_view text) {
  if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return invalid("line breaks are not allowed");
  }
  text = trim(text);
  const auto open = text.rfind('<');
  if (open == std::string_view::npos) {
    if (text.find('>') != std::string_view::npos) return invalid("stray '>'");
    auto address = check_address(text);
    if (!address) return address.error();
    return Mailbox{"", *address};
  }
  if (text.back() != '>') return invalid("text after '>'");
  auto address = check_address(text.substr(open + 1, text.size() - open - 2));
  if (!address) return address.error();
  auto name = read_display_name(text.substr(0, open));
  if (!name) return name.error();
  if (name->find_first_of("<>") != std::string::npos) return invalid("'<' in the display name");
  return Mailbox{*name, *address};
}

}  // namespace linkgate::mail
