// The audit log (server/audit_log.hpp): the keyed address hash, as docs/operations.md tells an
// operator to compute it, and the line of an event.
#include "server/audit_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/json.hpp>
#include <sstream>

#include "server/audit_tee.hpp"
#include "server/log_line.hpp"

namespace linkgate::server {
namespace {

TEST(AuditEmailHash, MatchesTheDocumentedRecipe) {
  // examples/audit-email-hash.py (HKDF-SHA256 with an empty salt, then HMAC-SHA256, 16 bytes):
  // AUTH_SECRET=s examples/audit-email-hash.py jane@example.com
  EXPECT_EQ(audit_email_hash("s", "jane@example.com"), "63c25f357a0ff595a3411719e30f9f53");
  EXPECT_NE(audit_email_hash("t", "jane@example.com"), audit_email_hash("s", "jane@example.com"));
}

class AuditLogLines : public ::testing::Test {
 protected:
  AuditLogLines() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(make_log_formatter(LogFormat::json));
    logger->set_level(spdlog::level::err);  // audit lines are written whatever the level
    spdlog::set_default_logger(logger);
  }
  ~AuditLogLines() override { spdlog::set_default_logger(previous_); }

  boost::json::object line() { return boost::json::parse(out_.str()).as_object(); }

  AuditEvent event() {
    AuditEvent e;
    e.kind = AuditKind::rate_limited;
    e.outcome = AuditOutcome::denied;
    e.reason = AuditReason::limit_ip;
    e.request_id = "req-1";
    e.client_ip = "192.0.2.1";
    e.provider = "postmark";
    e.email = "jane@example.com";
    return e;
  }

  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

TEST_F(AuditLogLines, OneLineWithTheHashNotTheAddress) {
  AuditTee tee;
  tee.add(make_audit_log_sink("s", false));
  tee.record(event());
  const auto l = line();
  EXPECT_EQ(l.at("msg").as_string(), "audit");
  EXPECT_EQ(l.at("level").as_string(), "info");
  EXPECT_EQ(l.at("event").as_string(), "rate_limited");
  EXPECT_EQ(l.at("outcome").as_string(), "denied");
  EXPECT_EQ(l.at("reason").as_string(), "limit_ip");
  EXPECT_EQ(l.at("request_id").as_string(), "req-1");
  EXPECT_EQ(l.at("client_ip").as_string(), "192.0.2.1");
  EXPECT_EQ(l.at("provider").as_string(), "postmark");
  EXPECT_EQ(l.at("email_hash").as_string(), "63c25f357a0ff595a3411719e30f9f53");
  EXPECT_FALSE(l.contains("email"));
  EXPECT_FALSE(l.contains("user_id"));
  EXPECT_EQ(out_.str().find("jane"), std::string::npos);
}

TEST_F(AuditLogLines, TheAddressOnlyWhenAskedFor) {
  make_audit_log_sink("s", true)->record(event());
  EXPECT_EQ(line().at("email").as_string(), "jane@example.com");
}

TEST_F(AuditLogLines, TheTeeHandsEachEventToEverySink) {
  struct Counting : AuditSink {
    int count = 0;
    void record(const AuditEvent&) noexcept override { ++count; }
  };
  auto first = std::make_shared<Counting>();
  auto second = std::make_shared<Counting>();
  AuditTee tee;
  tee.add(first);
  tee.add(nullptr);
  tee.add(second);
  tee.record(event());
  tee.record(event());
  EXPECT_EQ(first->count, 2);
  EXPECT_EQ(second->count, 2);
}

}  // namespace
}  // namespace linkgate::server
