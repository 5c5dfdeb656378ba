// The server's log lines (server/log_line.hpp): the text and JSON formats, their fields, and a
// JSON line that stays valid JSON whatever the message holds.
#include "server/log_line.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/json.hpp>
#include <regex>
#include <sstream>

namespace linkgate::server {
namespace {

namespace json = boost::json;

// Makes spdlog's default logger write to `out` in `format` for the life of the object.
class CapturedLog {
 public:
  CapturedLog(LogFormat format, spdlog::level::level_enum level = spdlog::level::info)
      : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(make_log_formatter(format));
    logger->set_level(level);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

TEST(LogLine, TextHasTimeLevelMessageAndFields) {
  CapturedLog log(LogFormat::text);
  log_line(spdlog::level::warn, "email: try 1 failed",
           {{"request_id", "abc-1"}, {"empty", ""}, {"client_ip", "192.0.2.1"}});
  const std::regex line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warning email: try 1 failed request_id=abc-1 client_ip=192\.0\.2\.1\n)");
  EXPECT_TRUE(std::regex_match(log.text(), line)) << log.text();
}

TEST(LogLine, TextQuotesOddValuesAndEscapesControlCharacters) {
  CapturedLog log(LogFormat::text);
  log_line(spdlog::level::info, "first\nsecond\x1b[31m", {{"email", "a b\"=c"}});
  const std::string text = log.text();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find(R"(first\nsecond\u001b[31m email="a b\"=c")"), std::string::npos) << text;
}

TEST(LogLine, JsonIsOneValidObjectWhateverTheMessage) {
  CapturedLog log(LogFormat::json);
  const std::string message = std::string("quote \" backslash \\ newline \n nul ") +
                              std::string(1, '\0') + " bad utf-8 \xff\xc3 ok é €";
  log_line(spdlog::level::err, message, {{"request_id", "r\"1"}, {"event", ""}});
  const std::string text = log.text();
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  ASSERT_FALSE(ec) << text;
  const json::object& line = value.as_object();
  EXPECT_EQ(line.at("level").as_string(), "error");
  EXPECT_EQ(line.at("request_id").as_string(), "r\"1");
  EXPECT_FALSE(line.contains("event"));
  EXPECT_TRUE(std::regex_match(std::string(line.at("time").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  EXPECT_EQ(line.at("msg").as_string(), std::string("quote \" backslash \\ newline \n nul ") +
                                            std::string(1, '\0') +
                                            " bad utf-8 \xef\xbf\xbd\xef\xbf\xbd ok é €");
}

TEST(LogLine, PlainSpdlogLinesUseTheFormatToo) {
  CapturedLog log(LogFormat::json);
  spdlog::info("started {}", 1);
  boost::system::error_code ec;
  json::value value = json::parse(log.text(), ec);
  ASSERT_FALSE(ec) << log.text();
  EXPECT_EQ(value.as_object().at("msg").as_string(), "started 1");
}

TEST(LogLine, TheLevelFiltersOrdinaryLinesButNotAlwaysLines) {
  CapturedLog log(LogFormat::text, spdlog::level::warn);
  log_line(spdlog::level::info, "dropped", {});
  log_line_always(spdlog::level::info, "audit", {{"event", "sign_out"}});
  EXPECT_EQ(log.text().find("dropped"), std::string::npos);
  EXPECT_NE(log.text().find(" info audit event=sign_out\n"), std::string::npos) << log.text();
}

TEST(LogFormat, ParsesTextAndJsonOnly) {
  EXPECT_EQ(*parse_log_format("text"), LogFormat::text);
  EXPECT_EQ(*parse_log_format("json"), LogFormat::json);
  EXPECT_FALSE(parse_log_format("JSON").ok());
  EXPECT_FALSE(parse_log_format("").ok());
}

}  // namespace
}  // namespace linkgate::server
