#include "server/log_line.hpp"

#include <spdlog/pattern_formatter.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

namespace linkgate::server {

namespace {

// The fields of the log_line call running on this thread: set for the duration of one
// synchronous logger call, so no fiber switch can come in between.
thread_local const std::initializer_list<LogField>* current_fields = nullptr;

void append(spdlog::memory_buf_t& out, std::string_view text) {
  out.append(text.data(), text.data() + text.size());
}

// The length of the valid UTF-8 sequence at the start of `text`, or 0 when it is not one.
std::size_t utf8_sequence(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char min2 = 0x80, max2 = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min2 = 0xA0;
    if (lead == 0xED) max2 = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min2 = 0x90;
    if (lead == 0xF4) max2 = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (byte(1) < min2 || byte(1) > max2) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// `text` as the inside of a JSON string: quotes, backslashes and control characters escaped,
// bytes that are not UTF-8 replaced by U+FFFD.
void append_json_escaped(spdlog::memory_buf_t& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  while (!text.empty()) {
    const auto c = static_cast<unsigned char>(text.front());
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      text.remove_prefix(1);
    } else if (c == '\n') {
      append(out, "\\n");
      text.remove_prefix(1);
    } else if (c == '\r') {
      append(out, "\\r");
      text.remove_prefix(1);
    } else if (c == '\t') {
      append(out, "\\t");
      text.remove_prefix(1);
    } else if (c < 0x20 || c == 0x7F) {
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escaped, escaped + sizeof escaped);
      text.remove_prefix(1);
    } else {
      const std::size_t length = utf8_sequence(text);
      if (length == 0) {
        append(out, "\\ufffd");
        text.remove_prefix(1);
      } else {
        append(out, text.substr(0, length));
        text.remove_prefix(length);
      }
    }
  }
}

void append_json_string(spdlog::memory_buf_t& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

// A text-format value: bare when it is plain, else as a JSON string.
void append_text_value(spdlog::memory_buf_t& out, std::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '=' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {
    append(out, value);
  } else {
    append_json_string(out, value);
  }
}

// A text-format message: as it is, with control characters escaped so that no message can
// start a line of its own.
void append_text_message(spdlog::memory_buf_t& out, std::string_view message) {
  for (std::size_t i = 0; i < message.size();) {
    const auto c = static_cast<unsigned char>(message[i]);
    if (c < 0x20 || c == 0x7F || c == '\\') {
      append_json_escaped(out, message.substr(i, 1));
      ++i;
    } else {
      ++i;
      out.push_back(static_cast<char>(c));
    }
  }
}

// 2026-12-04T07:39:09.123Z
void append_time(spdlog::memory_buf_t& out, spdlog::log_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const int n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                              utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  out.append(text, text + n);
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
    const std::string_view message(msg.payload.data(), msg.payload.size());
    const spdlog::string_view_t level_name = spdlog::level::to_string_view(msg.level);
    const std::string_view level(level_name.data(), level_name.size());
    if (format_ == LogFormat::json) {
      append(out, "{\"time\":\"");
      append_time(out, msg.time);
      append(out, "\",\"level\":\"");
      append(out, level);
      append(out, "\",\"msg\":");
      append_json_string(out, message);
      if (current_fields) {
        for (const LogField& field : *current_fields) {
          if (field.value.empty()) continue;
          out.push_back(',');
          append_json_string(out, field.name);
          out.push_back(':');
          append_json_string(out, field.value);
        }
      }
      append(out, "}\n");
      return;
    }
    append_time(out, msg.time);
    out.push_back(' ');
    append(out, level);
    out.push_back(' ');
    append_text_message(out, message);
    if (current_fields) {
      for (const LogField& field : *current_fields) {
        if (field.value.empty()) continue;
        out.push_back(' ');
        append(out, field.name);
        out.push_back('=');
        append_text_value(out, field.value);
      }
    }
    out.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  LogFormat format_;
};

}  // namespace

Result<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  return Error{"configuration", "LINKGATE_LOG_FORMAT must be text or json"};
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
  return std::make_unique<LineFormatter>(format);
}

void use_log_format(LogFormat format) {
  spdlog::set_formatter(make_log_formatter(format));
}

void log_line(spdlog::level::level_enum level, std::string_view message,
              std::initializer_list<LogField> fields) {
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  const auto* outer = current_fields;
  current_fields = &fields;
  logger->log(level, spdlog::string_view_t(message.data(), message.size()));
  current_fields = outer;
}

void log_line_always(spdlog::level::level_enum level, std::string_view message,
                     std::initializer_list<LogField> fields) {
  spdlog::logger* logger = spdlog::default_logger_raw();
  const spdlog::details::log_msg msg(logger->name(), level,
                                     spdlog::string_view_t(message.data(), message.size()));
  const auto* outer = current_fields;
  current_fields = &fields;
  for (const auto& sink : logger->sinks()) {
    if (!sink->should_log(level)) continue;
    try {
      sink->log(msg);
    } catch (...) {
      // A sink that cannot write (a closed stderr) loses the line; the request goes on.
    }
  }
  current_fields = outer;
}

}  // namespace linkgate::server
