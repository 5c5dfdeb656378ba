#include "server/response_bytes.hpp"

#include <gtest/gtest.h>

namespace linkgate::server {
namespace {

Response with(int status, std::vector<Header> headers, std::string body) {
  Response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(ResponseBytes, StatusLineHeadersInOrderLengthAndBody) {
  auto r = with(200,
                {{"Content-Type", "application/json"},
                 {"Set-Cookie", "a=1; Path=/"},
                 {"Set-Cookie", "b=2; Path=/"}},
                "{\"x\":1}");
  EXPECT_EQ(serialize_response(r, 11, true, false),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: application/json\r\n"
            "Set-Cookie: a=1; Path=/\r\n"
            "Set-Cookie: b=2; Path=/\r\n"
            "Content-Length: 7\r\n"
            "\r\n"
            "{\"x\":1}");
}

TEST(ResponseBytes, RedirectWithEmptyBodyHasZeroLength) {
  auto r = with(302, {{"Location", "http://localhost:3000/api/auth/verify-request"}}, "");
  EXPECT_EQ(serialize_response(r, 11, true, false),
            "HTTP/1.1 302 Found\r\n"
            "Location: http://localhost:3000/api/auth/verify-request\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
}

TEST(ResponseBytes, ClosingHttp11AnswerSaysConnectionClose) {
  auto bytes = serialize_response(with(400, {}, "\"Bad request.\""), 11, false, false);
  EXPECT_EQ(bytes,
            "HTTP/1.1 400 Bad Request\r\n"
            "Content-Length: 14\r\n"
            "Connection: close\r\n"
            "\r\n"
            "\"Bad request.\"");
}

TEST(ResponseBytes, Http10KeepAliveIsAnnouncedAndCloseIsDefault) {
  auto r = with(200, {}, "ok");
  EXPECT_EQ(serialize_response(r, 10, true, false),
            "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
  EXPECT_EQ(serialize_response(r, 10, false, false),
            "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
}

TEST(ResponseBytes, HeadKeepsTheLengthAndDropsTheBody) {
  EXPECT_EQ(serialize_response(with(200, {}, "hello"), 11, true, true),
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
}

TEST(ResponseBytes, BodilessStatusesCarryNoLengthAndNoBody) {
  EXPECT_EQ(serialize_response(with(204, {}, "ignored"), 11, true, false),
            "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(serialize_response(with(304, {}, ""), 11, true, false),
            "HTTP/1.1 304 Not Modified\r\n\r\n");
}

TEST(ResponseBytes, FramingHeadersFromTheCoreAreIgnored) {
  auto r = with(200,
                {{"content-length", "999"},
                 {"Transfer-Encoding", "chunked"},
                 {"CONNECTION", "upgrade"},
                 {"X-Kept", "yes"}},
                "abc");
  EXPECT_EQ(serialize_response(r, 11, true, false),
            "HTTP/1.1 200 OK\r\nX-Kept: yes\r\nContent-Length: 3\r\n\r\nabc");
}

TEST(ResponseBytes, AValueThatWouldSplitTheResponseBecomesA500) {
  for (const std::string& bad : {std::string("x\r\nSet-Cookie: evil=1"), std::string("x\ny"),
                                 std::string("x\ry"), std::string("x\0y", 3)}) {
    auto bytes = serialize_response(with(302, {{"Location", bad}}, ""), 11, true, false);
    EXPECT_EQ(bytes.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u) << bytes;
    EXPECT_EQ(bytes.find("evil"), std::string::npos);
    EXPECT_EQ(bytes.find("Location"), std::string::npos);
  }
}

TEST(ResponseBytes, ANameThatIsNotATokenBecomesA500) {
  for (const char* bad : {"", "Bad Name", "Bad:Name", "X\r\nY"}) {
    auto bytes = serialize_response(with(200, {{bad, "v"}}, "body"), 11, true, false);
    EXPECT_EQ(bytes,
              "HTTP/1.1 500 Internal Server Error\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 16\r\n"
              "\r\n"
              "Internal error.\n");
  }
}

TEST(ResponseBytes, AStatusOutsideThreeDigitsBecomesA500) {
  auto bytes = serialize_response(with(42, {}, ""), 11, true, false);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 500 ", 0), 0u);
}

}  // namespace
}  // namespace linkgate::server
