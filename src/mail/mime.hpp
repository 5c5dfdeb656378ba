// The RFC 5322 / MIME text of a sign-in email for SMTP: multipart/alternative with a text/plain
// and a text/html part (both UTF-8, quoted-printable), and the headers From, To, Subject, Date,
// Message-ID and MIME-Version.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "linkgate/mailer.hpp"
#include "linkgate/result.hpp"

namespace linkgate::mail {

// `unique` (letters and digits, e.g. random hex) makes the Message-ID and the part boundary.
// Lines end in CRLF and none is longer than 78 characters. Non-ASCII in the Subject or a display
// name becomes RFC 2047 encoded-words. Errors (kind "invalid_input"): a From or To that
// parse_mailbox rejects (CR/LF included: no header injection), a Subject with CR, LF or NUL.
Result<std::string> build_mime_message(const EmailMessage& message,
                                       std::chrono::system_clock::time_point date,
                                       std::string_view unique);

// RFC 2045 §6.7 quoted-printable of UTF-8 text; "\n" and "\r\n" both end a line (CRLF out).
// A '.' starting a line is encoded too, so no line of the body can end the SMTP DATA.
std::string quoted_printable(std::string_view text);

// An unstructured header value (RFC 2047 §5(1)): ASCII as is, else "=?UTF-8?B?…?=" words of at
// most 75 characters, cut between UTF-8 characters, joined by CRLF SP (folding).
std::string encode_header_text(std::string_view text);

// RFC 5322 date-time in UTC, e.g. "Tue, 05 Mar 2024 10:00:00 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point when);

}  // namespace linkgate::mail
