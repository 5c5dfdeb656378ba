// The server's log lines: spdlog's default logger, in the text or the JSON format
// (LINKGATE_LOG_FORMAT), each line optionally with named fields beside its message (the request
// id, an audit event's facts).
//
// Text: `2026-12-04T07:39:09.123Z info message request_id=abc client_ip=192.0.2.1` (a value with
// a space, a quote, '=' or a control character is written as a JSON string).
// JSON: one object per line, `{"time":"…","level":"info","msg":"…","request_id":"abc",…}`, valid
// JSON whatever the message holds (bytes that are not UTF-8 become U+FFFD).
#pragma once

#include <spdlog/spdlog.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "linkgate/result.hpp"

namespace linkgate::server {

enum class LogFormat { text, json };

// "text" or "json"; an Error naming the allowed values otherwise.
Result<LogFormat> parse_log_format(std::string_view text);

// The formatter of `format`, for any spdlog sink.
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// Makes every line of spdlog's default logger use `format`.
void use_log_format(LogFormat format);

struct LogField {
  std::string_view name;  // a fixed name: "request_id", "event", ...
  std::string_view value;
};

// Logs `message` at `level` through the default logger, with `fields` (those with an empty
// value are left out). Safe from any thread or fiber: the fields travel with this one call.
void log_line(spdlog::level::level_enum level, std::string_view message,
              std::initializer_list<LogField> fields);
// As log_line, whatever LINKGATE_LOG_LEVEL says (audit lines): written to every sink of the
// default logger that takes `level`.
void log_line_always(spdlog::level::level_enum level, std::string_view message,
                     std::initializer_list<LogField> fields);

}  // namespace linkgate::server
