// The development outbox mailer (SPEC P3), through the real SQLite store.
#include <gtest/gtest.h>

#include "mail/providers.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace linkgate::mail {
namespace {

TEST(OutboxMailer, KeepsTheWholeMessageInTheStore) {
  auto store = store::open_sqlite_store(testing::make_temp_dir() + "/outbox.db");
  ASSERT_TRUE(store.ok()) << store.error().message;
  const auto mailer = make_outbox_mailer(*store, "dev-outbox");

  const EmailMessage message{"jane@example.org",
                             "linkgate <no-reply@localhost>",
                             "Sign in to localhost:3000",
                             "Sign in to localhost:3000\nhttp://localhost:3000/cb?token=t1\n\n",
                             "<p>html</p>",
                             "http://localhost:3000/cb?token=t1"};
  const auto before = std::chrono::system_clock::now() - std::chrono::seconds(1);
  ASSERT_TRUE(mailer->send(message).ok());

  const auto listed = (*store)->list_outbox_messages(10);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  const auto& kept = listed->front();
  EXPECT_GT(kept.id, 0);
  EXPECT_EQ(kept.to, message.to);
  EXPECT_EQ(kept.from, message.from);
  EXPECT_EQ(kept.subject, message.subject);
  EXPECT_EQ(kept.text, message.text);
  EXPECT_EQ(kept.html, message.html);
  EXPECT_EQ(kept.url, message.url);
  EXPECT_EQ(kept.provider, "dev-outbox");
  EXPECT_GE(kept.created_at, before);
}

TEST(OutboxMailer, DefaultProviderIdIsOutbox) {
  auto store = store::open_sqlite_store(testing::make_temp_dir() + "/outbox.db");
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE(
      make_outbox_mailer(*store)->send(EmailMessage{"a@b.c", "f@b.c", "s", "t", "h", "u"}).ok());
  const auto listed = (*store)->list_outbox_messages(10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().provider, "outbox");
}

TEST(OutboxMailer, NoStoreIsAMailError) {
  const auto sent = make_outbox_mailer(nullptr)->send(EmailMessage{});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
}

}  // namespace
}  // namespace linkgate::mail
