#include "mail/mime.hpp"

#include <ctime>

#include "crypto/encoding.hpp"
#include "mail/address.hpp"

namespace linkgate::mail {

namespace {

constexpr std::string_view kCrlf = "\r\n";

bool is_plain_ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// RFC 5322 atext plus spaces: a display name made of these needs no quotes.
bool is_phrase_safe(std::string_view text) {
  for (unsigned char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view(" !#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                        std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// The byte length of the UTF-8 sequence that starts with c (1 for a stray byte).
std::size_t utf8_length(unsigned char c) {
  if (c >= 0xf0 && c < 0xf8) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

std::string encode_words(std::string_view text) {
  // 39 bytes are 52 base64 characters: a 64-character word, so that "Subject: " plus one word
  // stays under 78 characters (an encoded-word may not exceed 75, RFC 2047 §2).
  constexpr std::size_t kMaxBytes = 39;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      const std::size_t next = end + utf8_length(static_cast<unsigned char>(text[end]));
      if (next - i > kMaxBytes) break;
      end = next;
    }
    if (end == i) end = std::min(text.size(), i + kMaxBytes);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + crypto::base64_encode(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string encode_mailbox(const Mailbox& mailbox) {
  if (mailbox.display_name.empty()) return mailbox.address;
  std::string name;
  if (!is_plain_ascii(mailbox.display_name)) {
    name = encode_words(mailbox.display_name);
  } else if (is_phrase_safe(mailbox.display_name)) {
    name = mailbox.display_name;
  } else {
    name = "\"";
    for (char c : mailbox.display_name) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += '"';
  }
  return name + " <" + mailbox.address + ">";
}

void append_hex(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '=';
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

void encode_qp_line(std::string_view line, std::string& out) {
  constexpr std::size_t kMaxLine = 76;  // including the '=' of a soft break
  std::size_t width = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    std::string piece;
    if ((c == ' ' || c == '\t') && !last) {
      piece = static_cast<char>(c);
    } else if (c >= 33 && c <= 126 && c != '=' && !(c == '.' && i == 0)) {
      piece = static_cast<char>(c);
    } else {
      append_hex(piece, c);
    }
    // A soft break must leave room for its '=', and never splits an =XX.
    if (width + piece.size() > kMaxLine - 1) {
      out += "=\r\n";
      width = 0;
    }
    out += piece;
    width += piece.size();
  }
}

}  // namespace

std::string quoted_printable(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    const bool has_break = end != std::string_view::npos;
    if (!has_break) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    encode_qp_line(line, out);
    if (!has_break) break;
    out += kCrlf;
    start = end + 1;
  }
  return out;
}

std::string encode_header_text(std::string_view text) {
  if (is_plain_ascii(text) && text.size() <= 900) return std::string(text);
  return encode_words(text);
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

Result<std::string> build_mime_message(const EmailMessage& message,
                                       std::chrono::system_clock::time_point date,
                                       std::string_view unique) {
  auto from = parse_mailbox(message.from);
  if (!from) return Error{"invalid_input", "From: " + from.error().message};
  auto to = parse_mailbox(message.to);
  if (!to) return Error{"invalid_input", "To: " + to.error().message};
  if (message.subject.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return Error{"invalid_input", "Subject: line breaks are not allowed"};
  }
  const std::string boundary = "=_linkgate_" + std::string(unique);
  std::string out;
  auto header = [&](std::string_view name, const std::string& value) {
    out += name;
    out += ": ";
    out += value;
    out += kCrlf;
  };
  header("From", encode_mailbox(*from));
  header("To", encode_mailbox(*to));
  header("Subject", encode_header_text(message.subject));
  header("Date", rfc5322_date(date));
  header("Message-ID", "<" + std::string(unique) + "@" + from->domain() + ">");
  header("MIME-Version", "1.0");
  header("Content-Type", "multipart/alternative;\r\n boundary=\"" + boundary + "\"");
  out += kCrlf;
  out += "This is a multi-part message in MIME format.\r\n";
  for (const auto& [type, body] :
       {std::pair<std::string_view, const std::string*>{"text/plain", &message.text},
        {"text/html", &message.html}}) {
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: " + std::string(type) + "; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quoted_printable(*body);
    out += kCrlf;
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace linkgate::mail
