#include "mail/provider_error.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "core/form.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::mail {

namespace {

constexpr std::size_t kMaxDetail = 300;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += in[i] == '+' ? ' ' : in[i];
  }
  return out;
}

// The value of the `token` query parameter of a link, or empty.
std::string token_parameter(std::string_view url) {
  const std::size_t query = url.find('?');
  if (query == std::string_view::npos) return {};
  std::string_view rest = url.substr(query + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (pair.substr(0, 6) == "token=") return std::string(pair.substr(6));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

// The provider's human-readable error from a JSON answer, or the raw body.
std::string error_text(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    const auto& object = parsed.as_object();
    std::string text;
    for (const char* field : {"Message", "message", "error"}) {
      const auto* value = object.if_contains(field);
      if (value != nullptr && value->is_string()) {
        text = std::string(value->as_string());
        break;
      }
    }
    // SendGrid: {"errors":[{"message":"...","field":"..."}]}.
    if (const auto* errors = object.if_contains("errors");
        text.empty() && errors != nullptr && errors->is_array()) {
      for (const auto& item : errors->as_array()) {
        const auto* entry = item.if_object();
        const auto* message = entry ? entry->if_contains("message") : nullptr;
        if (message == nullptr || !message->is_string()) continue;
        if (!text.empty()) text += "; ";
        text += std::string(message->as_string());
      }
    }
    if (const auto* code = object.if_contains("ErrorCode"); code != nullptr && code->is_int64()) {
      text += " (ErrorCode " + std::to_string(code->as_int64()) + ")";
    }
    if (!text.empty()) return text;
  }
  return std::string(body);
}

// Control characters would let a provider's text forge log lines.
std::string flatten(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (text.size() > kMaxDetail) {
    text.resize(kMaxDetail);
    text += "...";
  }
  return text;
}

}  // namespace

std::vector<std::string> secrets_for(const EmailMessage& message, const std::string& api_key,
                                     const std::vector<std::string>& credentials) {
  // The link as JSON, HTML and a form field (Mailgun's body) may each be echoed back.
  std::vector<std::string> secrets{api_key, message.url, core::pages::html_escape(message.url),
                                   core::form_encode(message.url)};
  const std::string token = token_parameter(message.url);
  secrets.push_back(token);
  secrets.push_back(percent_decode(token));
  secrets.push_back(core::form_encode(token));
  secrets.insert(secrets.end(), credentials.begin(), credentials.end());
  return secrets;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  std::vector<std::string> ordered;
  for (const auto& s : secrets) {
    if (!s.empty()) ordered.push_back(s);
  }
  // Longest first, so that the link is redacted whole before its token is looked for.
  std::sort(ordered.begin(), ordered.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  static constexpr std::string_view kRedacted = "[redacted]";
  for (const auto& secret : ordered) {
    std::size_t at = 0;
    while ((at = text.find(secret, at)) != std::string::npos) {
      text.replace(at, secret.size(), kRedacted);
      at += kRedacted.size();
    }
  }
  return text;
}

Error provider_http_error(std::string_view provider, long status, std::string_view body,
                          const std::vector<std::string>& secrets) {
  std::string detail = flatten(scrub(error_text(body), secrets));
  if (detail.empty()) detail = "(empty answer)";
  return Error{"mail", std::string(provider) + ": HTTP " + std::to_string(status) + ": " + detail};
}

Error provider_transport_error(std::string_view provider, const Error& transport,
                               const std::vector<std::string>& secrets) {
  return Error{"mail", std::string(provider) + ": " + flatten(scrub(transport.message, secrets))};
}

}  // namespace linkgate::mail
