// The PostgreSQL store redeems callbacks that arrive together in one statement (one transaction,
// one commit: batched_statements.hpp), with the same results as one at a time.
//
// To line calls up behind a running batch deterministically, a test holds a row lock on the
// token of a first call from a connection of its own: that call's statement waits for the lock,
// with batches = 1 the calls started meanwhile queue, and once the lock is released they
// run as the next batch. Rows written by one transaction share their xmin, which tells the tests
// how the calls were grouped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/postgres/batched_statements.hpp"
#include "store/postgres/connection.hpp"
#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;
using linkgate::testing::postgres_query;

// prefix + n + suffix, built by appending (GCC 12 warns falsely on "literal" + std::string).
std::string named(std::string prefix, int n, std::string_view suffix = "") {
  prefix.append(std::to_string(n)).append(suffix);
  return prefix;
}

// One redeem_link call run on a thread of its own.
struct Redemption {
  std::string identifier;
  std::string hash;
  std::optional<Session> session;
  std::optional<Result<LinkRedemption>> result;
  std::thread thread;
  SignInEvents events;  // the webhook events asked for (none by default)
};

class PostgresBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PostgresOptions options;
    options.batches = 1;
    store_ = open_fresh_postgres(url_, options);
    ASSERT_NE(store_, nullptr);
    now_ = now_seconds();
  }

  void add_token(const std::string& identifier, const std::string& hash, TimePoint expires) {
    ASSERT_TRUE(store_->create_verification_token(token_of(identifier, hash, expires)).ok());
  }

  // Starts redeem_link(identifier, hash) with a session named `session` ("" for none).
  void start(Redemption& call) {
    call.thread = std::thread([this, &call] {
      call.result =
          store_->redeem_link(call.identifier, call.hash, now_,
                              user_with_email("ignored@x.example"), call.session, call.events);
    });
  }

  // Opens a transaction of its own that runs `sql` (taking locks) and holds them until release().
  // Returns the rows of `sql`'s last statement (0 when it failed).
  int hold_locks(const std::string& sql) {
    auto settings = postgres::parse_connect_settings(url_, std::chrono::seconds(3));
    EXPECT_TRUE(settings.ok()) << describe(settings);
    if (!settings) return 0;
    settings_ = std::make_unique<postgres::ConnectSettings>(std::move(*settings));
    auto opened = postgres::Connection::open(*settings_);
    EXPECT_TRUE(opened.ok()) << describe(opened);
    if (!opened) return 0;
    locker_ = std::move(*opened);
    auto locked = locker_->run_script("BEGIN; " + sql, "lock");
    EXPECT_TRUE(locked.ok()) << describe(locked);
    return locked ? locked->size() : 0;
  }

  // Holds the row lock of (identifier, hash) until release().
  void lock_token(const std::string& identifier, const std::string& hash) {
    ASSERT_EQ(hold_locks("SELECT 1 FROM verification_token WHERE identifier = '" + identifier +
                         "' AND token = '" + hash + "' FOR UPDATE"),
              1);
  }

  void release() { ASSERT_TRUE(locker_->run_script("COMMIT", "unlock").ok()); }

  // Runs `calls` as one batch: a first callback (first_) is held up at the database by a row lock
  // while they are started and queue behind it; then the lock is released and all are joined.
  void redeem_behind_a_held_call(const std::vector<Redemption*>& calls) {
    add_token("first@example.com", "h0", now_ + 1h);
    lock_token("first@example.com", "h0");
    first_ = Redemption{"first@example.com", "h0", session_named("s0", now_ + 30h), {}, {}, {}};
    start(first_);
    std::this_thread::sleep_for(300ms);  // first_'s statement now waits for the lock
    for (Redemption* call : calls) start(*call);
    std::this_thread::sleep_for(300ms);  // all queued behind first_
    release();
    first_.thread.join();
    for (Redemption* call : calls) call->thread.join();
  }

  // The transaction id that wrote the session named `token` ("" when there is none).
  std::string writer_of_session(const std::string& token) {
    return postgres_query(
        url_, "SELECT xmin::text FROM sessions WHERE \"sessionToken\" = '" + token + "'");
  }

  static Session session_named(const std::string& token, TimePoint expires) {
    return Session{.session_token = token, .user_id = "", .expires = expires};
  }

  std::string url_;
  std::shared_ptr<Store> store_;
  TimePoint now_;
  std::unique_ptr<postgres::ConnectSettings> settings_;
  std::unique_ptr<postgres::Connection> locker_;
  Redemption first_;
};

// A batch writes the webhook events each call asks for, in the batch's transaction (the one that
// wrote its sessions), with each call's data and user; a call's user.created comes before its
// session.created (the calls' order within the batch is their arrival's).
TEST_F(PostgresBatchTest, OneBatchWritesEachCallsEventsInItsTransaction) {
  add_token("new@example.com", "h1", now_ + 1h);
  auto known = store_->create_user(user_with_email("known@example.com"));
  ASSERT_TRUE(known.ok()) << describe(known);
  add_token("known@example.com", "h2", now_ + 1h);
  add_token("quiet@example.com", "h3", now_ + 1h);
  const SignInEvents both{.user_created = true, .session_created = true, .data = R"({"n":1})"};
  Redemption fresh{"new@example.com", "h1", session_named("s1", now_ + 30h), {}, {}, both};
  Redemption again{"known@example.com", "h2", std::nullopt, {}, {}, both};
  again.events.data = R"({"n":2})";
  Redemption quiet{"quiet@example.com", "h3", session_named("s3", now_ + 30h), {}, {}, {}};
  redeem_behind_a_held_call({&fresh, &again, &quiet});
  for (Redemption* call : {&fresh, &again, &quiet}) {
    ASSERT_TRUE(call->result && call->result->ok()) << call->identifier;
  }
  const std::string fresh_id = (*fresh.result)->signed_in->user.id;
  EXPECT_EQ(
      postgres_query(url_,
                     "SELECT string_agg(type || ' ' || (payload::jsonb->>'n') || ' ' || "
                     "(payload::jsonb->'user'->>'id') || ' ' || "
                     "(payload::jsonb->'user'->>'email'), ', ' ORDER BY payload::jsonb->>'n', seq) "
                     "FROM webhook_events"),
      "user.created 1 " + fresh_id + " new@example.com, session.created 1 " + fresh_id +
          " new@example.com, session.created 2 " + known->id + " known@example.com");
  EXPECT_EQ(postgres_query(url_, "SELECT count(DISTINCT xmin::text) FROM webhook_events"), "1");
  EXPECT_EQ(postgres_query(url_, "SELECT min(xmin::text) FROM webhook_events"),
            writer_of_session("s1"));
  EXPECT_EQ(writer_of_session("s1"), writer_of_session("s3"));
}

// Every kind of call in one batch: a new address, a known one, an expired link, a link that
// matches nothing and a sign-in without a session each get what a call on its own gets.
TEST_F(PostgresBatchTest, OneBatchGivesEveryCallItsOwnResult) {
  add_token("new@example.com", "h1", now_ + 1h);
  User known = user_with_email("known@example.com");
  known.email_verified = now_ - 48h;
  auto existing = store_->create_user(known);
  ASSERT_TRUE(existing.ok()) << describe(existing);
  add_token("known@example.com", "h2", now_ + 1h);
  add_token("late@example.com", "h3", now_ - 1s);
  add_token("jwt@example.com", "h5", now_ + 1h);

  std::vector<std::unique_ptr<Redemption>> calls;
  calls.push_back(std::make_unique<Redemption>(
      Redemption{"new@example.com", "h1", session_named("s1", now_ + 30h), {}, {}, {}}));
  calls.push_back(std::make_unique<Redemption>(
      Redemption{"known@example.com", "h2", session_named("s2", now_ + 30h), {}, {}, {}}));
  calls.push_back(std::make_unique<Redemption>(
      Redemption{"late@example.com", "h3", session_named("s3", now_ + 30h), {}, {}, {}}));
  calls.push_back(std::make_unique<Redemption>(
      Redemption{"nobody@example.com", "h4", session_named("s4", now_ + 30h), {}, {}, {}}));
  calls.push_back(
      std::make_unique<Redemption>(Redemption{"jwt@example.com", "h5", std::nullopt, {}, {}, {}}));
  std::vector<Redemption*> started;
  for (auto& call : calls) started.push_back(call.get());
  redeem_behind_a_held_call(started);

  ASSERT_TRUE(first_.result && first_.result->ok());
  ASSERT_TRUE((*first_.result)->signed_in.has_value());
  for (auto& call : calls) {
    ASSERT_TRUE(call->result.has_value()) << call->identifier;
    ASSERT_TRUE(call->result->ok()) << call->identifier << ": " << describe(*call->result);
  }
  const LinkRedemption& fresh = **calls[0]->result;
  ASSERT_TRUE(fresh.token && fresh.signed_in);
  EXPECT_EQ(fresh.token->identifier, "new@example.com");
  EXPECT_EQ(fresh.token->token, "h1");
  EXPECT_EQ(fresh.token->expires, now_ + 1h);
  EXPECT_TRUE(fresh.is_new_user);
  EXPECT_EQ(fresh.signed_in->user.email, "new@example.com");
  EXPECT_EQ(fresh.signed_in->user.email_verified, now_);
  EXPECT_EQ(fresh.signed_in->session.session_token, "s1");
  EXPECT_EQ(fresh.signed_in->session.user_id, fresh.signed_in->user.id);
  EXPECT_EQ(fresh.signed_in->session.expires, now_ + 30h);

  const LinkRedemption& again = **calls[1]->result;
  ASSERT_TRUE(again.token && again.signed_in);
  EXPECT_FALSE(again.is_new_user);
  EXPECT_EQ(again.signed_in->user.id, existing->id);
  EXPECT_EQ(again.signed_in->user.email_verified, now_);
  EXPECT_EQ(again.signed_in->session.user_id, existing->id);

  const LinkRedemption& late = **calls[2]->result;
  ASSERT_TRUE(late.token.has_value());  // consumed all the same
  EXPECT_EQ(late.token->expires, now_ - 1s);
  EXPECT_FALSE(late.signed_in.has_value());
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM users WHERE email = 'late@example.com'"),
            "0");

  const LinkRedemption& nothing = **calls[3]->result;
  EXPECT_FALSE(nothing.token.has_value());
  EXPECT_FALSE(nothing.signed_in.has_value());

  const LinkRedemption& jwt = **calls[4]->result;
  ASSERT_TRUE(jwt.token && jwt.signed_in);
  EXPECT_TRUE(jwt.is_new_user);
  EXPECT_EQ(jwt.signed_in->session.session_token, "");

  // Stored as returned, and the four calls after `first_` in one transaction (not first_'s).
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM verification_token"), "0");
  EXPECT_EQ(postgres_query(url_,
                           "SELECT \"userId\"::text FROM sessions WHERE \"sessionToken\" = "
                           "'s1'"),
            fresh.signed_in->user.id);
  EXPECT_EQ(postgres_query(url_,
                           "SELECT count(*) FROM sessions WHERE \"sessionToken\" IN "
                           "('s3', 's4')"),
            "0");
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM sessions"), "3");
  EXPECT_EQ(writer_of_session("s1"), writer_of_session("s2"));
  EXPECT_NE(writer_of_session("s0"), writer_of_session("s1"));
  EXPECT_EQ(postgres_query(url_, "SELECT xmin::text FROM users WHERE email = 'jwt@example.com'"),
            writer_of_session("s1"));
  // Each consumed link's tombstone, written by the batch's own statement; none for the miss.
  EXPECT_EQ(postgres_query(url_,
                           "SELECT string_agg(token, ',' ORDER BY token) "
                           "FROM linkgate_used_verification_token"),
            "h0,h1,h2,h3,h5");
  EXPECT_EQ(postgres_query(url_,
                           "SELECT xmin::text FROM linkgate_used_verification_token "
                           "WHERE token = 'h1'"),
            writer_of_session("s1"));
}

// Two links of one new address never share a batch (their statement could not see each other's
// user): one user, created once, with a session from each.
TEST_F(PostgresBatchTest, OneAddressTwiceMakesOneUser) {
  add_token("twice@example.com", "a", now_ + 1h);
  add_token("twice@example.com", "b", now_ + 1h);
  Redemption a{"twice@example.com", "a", session_named("sa", now_ + 30h), {}, {}, {}};
  Redemption b{"twice@example.com", "b", session_named("sb", now_ + 30h), {}, {}, {}};
  redeem_behind_a_held_call({&a, &b});
  ASSERT_TRUE(a.result && a.result->ok()) << describe(*a.result);
  ASSERT_TRUE(b.result && b.result->ok()) << describe(*b.result);
  ASSERT_TRUE((*a.result)->signed_in && (*b.result)->signed_in);
  EXPECT_EQ((*a.result)->signed_in->user.id, (*b.result)->signed_in->user.id);
  EXPECT_NE((*a.result)->is_new_user, (*b.result)->is_new_user);
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM users WHERE email = 'twice@example.com'"),
            "1");
  EXPECT_NE(writer_of_session("sa"), writer_of_session("sb"));
}

// A batch whose statement fails (here a session token that is taken) is rolled back whole, and
// its calls run one at a time: only the call that fails by itself fails, and it leaves nothing.
TEST_F(PostgresBatchTest, AFailedBatchFailsOnlyTheCallAtFault) {
  auto other = store_->create_user(user_with_email("other@example.com"));
  ASSERT_TRUE(other.ok()) << describe(other);
  ASSERT_TRUE(store_
                  ->create_session(
                      Session{.session_token = "taken", .user_id = other->id, .expires = now_ + 1h})
                  .ok());
  add_token("good@example.com", "g", now_ + 1h);
  add_token("bad@example.com", "b", now_ + 1h);
  Redemption good{"good@example.com", "g", session_named("sg", now_ + 30h), {}, {}, {}};
  Redemption bad{"bad@example.com", "b", session_named("taken", now_ + 30h), {}, {}, {}};
  redeem_behind_a_held_call({&good, &bad});
  ASSERT_TRUE(good.result && good.result->ok()) << describe(*good.result);
  EXPECT_TRUE((*good.result)->signed_in.has_value());
  ASSERT_TRUE(bad.result.has_value());
  EXPECT_FALSE(bad.result->ok());
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM users WHERE email = 'bad@example.com'"),
            "0");
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM users WHERE email = 'good@example.com'"),
            "1");
  // The failed call's own statement rolled back too: its link is still there.
  EXPECT_EQ(postgres_query(url_,
                           "SELECT count(*) FROM verification_token WHERE identifier = "
                           "'bad@example.com'"),
            "1");
}

// Many concurrent callbacks, each with its own link: every one signs in exactly once, and they
// took fewer transactions than there were calls.
TEST_F(PostgresBatchTest, ConcurrentCallbacksShareTransactions) {
  constexpr int kCalls = 48;
  std::vector<std::unique_ptr<Redemption>> calls;
  for (int i = 0; i < kCalls; ++i) {
    add_token(named("c", i, "@example.com"), named("h", i), now_ + 1h);
    calls.push_back(
        std::make_unique<Redemption>(Redemption{named("c", i, "@example.com"),
                                                named("h", i),
                                                session_named(named("s", i), now_ + 30h),
                                                {},
                                                {},
                                                {}}));
  }
  std::latch go(kCalls);
  for (auto& call : calls) {
    call->thread = std::thread([&, raw = call.get()] {
      go.arrive_and_wait();
      raw->result = store_->redeem_link(raw->identifier, raw->hash, now_,
                                        user_with_email("ignored@x.example"), raw->session);
    });
  }
  for (auto& call : calls) call->thread.join();
  for (auto& call : calls) {
    ASSERT_TRUE(call->result && call->result->ok()) << call->identifier;
    ASSERT_TRUE((*call->result)->signed_in.has_value()) << call->identifier;
    EXPECT_TRUE((*call->result)->is_new_user);
    EXPECT_EQ((*call->result)->signed_in->user.email, call->identifier);
  }
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM users"), std::to_string(kCalls));
  EXPECT_EQ(postgres_query(url_,
                           "SELECT count(*) FROM sessions s JOIN users u ON u.id = "
                           "s.\"userId\" WHERE s.\"sessionToken\" = 's' || "
                           "substr(u.email, 2, strpos(u.email, '@') - 2)"),
            std::to_string(kCalls));
  const int transactions =
      std::stoi(postgres_query(url_, "SELECT count(DISTINCT xmin::text) FROM sessions"));
  EXPECT_LT(transactions, kCalls);
}

// A token whose row exists fails in its batch; the batch's other tokens are stored all the same.
TEST_F(PostgresBatchTest, TokensStoredTogetherFailOnlyForTheCallAtFault) {
  add_token("first@example.com", "h0", now_ + 1h);
  add_token("dup@example.com", "d", now_ + 1h);
  lock_token("first@example.com", "h0");
  // An insert of the same row waits for the lock holder's transaction (the primary key's check).
  std::optional<Result<void>> blocked;
  std::thread first([&] {
    blocked = store_->create_verification_token(token_of("first@example.com", "h0", now_ + 2h));
  });
  std::this_thread::sleep_for(300ms);
  constexpr int kCalls = 6;
  std::vector<std::optional<Result<void>>> results(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      // Call 3 inserts a row that exists.
      results[i] =
          i == 3 ? store_->create_verification_token(token_of("dup@example.com", "d", now_ + 1h))
                 : store_->create_verification_token(
                       token_of(named("t", i, "@example.com"), "x", now_ + 1h));
    });
  }
  std::this_thread::sleep_for(300ms);
  release();
  first.join();
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(blocked.has_value());
  EXPECT_FALSE(blocked->ok());  // the row was there already
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(results[i].has_value()) << i;
    EXPECT_EQ(results[i]->ok(), i != 3) << i << ": " << describe(*results[i]);
  }
  EXPECT_EQ(postgres_query(url_,
                           "SELECT count(*) FROM verification_token WHERE identifier LIKE "
                           "'t%@example.com'"),
            std::to_string(kCalls - 1));
}

// Many sign-ins storing their tokens at once: every token is stored, in fewer transactions than
// there were calls, and each one redeems.
TEST_F(PostgresBatchTest, ConcurrentTokensShareTransactions) {
  constexpr int kCalls = 48;
  std::latch go(kCalls);
  std::vector<std::optional<Result<void>>> results(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      results[i] = store_->create_verification_token(
          token_of(named("n", i, "@example.com"), named("h", i), now_ + 1h));
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(results[i].has_value() && results[i]->ok()) << i;
  }
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM verification_token"),
            std::to_string(kCalls));
  EXPECT_LT(
      std::stoi(postgres_query(url_, "SELECT count(DISTINCT xmin::text) FROM verification_token")),
      kCalls);
  auto used = store_->use_verification_token("n7@example.com", "h7");
  ASSERT_TRUE(used.ok()) << describe(used);
  ASSERT_TRUE(used->has_value());
  EXPECT_EQ((*used)->expires, now_ + 1h);
}

// Session lookups made while one is held up at the database wait in linkgate, not at the
// database, and then go together; each finds its own session (or none).
TEST_F(PostgresBatchTest, SessionLookupsWaitTogetherAndEachFindTheirOwn) {
  constexpr int kSessions = 10;
  std::vector<std::string> user_ids;
  for (int i = 0; i < kSessions; ++i) {
    auto user = store_->create_user(user_with_email(named("u", i, "@example.com")));
    ASSERT_TRUE(user.ok()) << describe(user);
    user_ids.push_back(user->id);
    ASSERT_TRUE(store_
                    ->create_session(Session{.session_token = named("s", i),
                                             .user_id = user->id,
                                             .expires = now_ + std::chrono::hours(i + 1)})
                    .ok());
  }
  // A lock on the whole table holds up every statement that reads it.
  hold_locks("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE");
  ASSERT_NE(locker_, nullptr);

  constexpr int kLookups = kSessions + 2;  // two tokens name no session
  std::vector<std::optional<Result<std::optional<SessionAndUser>>>> found(kLookups);
  std::vector<std::thread> threads;
  for (int i = 0; i < kLookups; ++i) {
    threads.emplace_back([&, i] { found[i] = store_->get_session_and_user(named("s", i)); });
  }
  const std::string waiting =
      "SELECT count(*) FROM pg_locks WHERE relation = 'sessions'::regclass AND NOT granted";
  for (int tries = 0; tries < 100 && postgres_query(url_, waiting) == "0"; ++tries) {
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(300ms);  // time for the others to reach the database, if they could
  EXPECT_EQ(postgres_query(url_, waiting), "1");
  release();
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kLookups; ++i) {
    ASSERT_TRUE(found[i].has_value() && found[i]->ok()) << i;
    const auto& session = **found[i];
    if (i >= kSessions) {
      EXPECT_FALSE(session.has_value()) << i;
      continue;
    }
    ASSERT_TRUE(session.has_value()) << i;
    EXPECT_EQ(session->session.session_token, named("s", i));
    EXPECT_EQ(session->session.user_id, user_ids[i]);
    EXPECT_EQ(session->session.expires, now_ + std::chrono::hours(i + 1));
    EXPECT_EQ(session->user.id, user_ids[i]);
    EXPECT_EQ(session->user.email, named("u", i, "@example.com"));
  }
}

TEST(PostgresBatchParams, ArrayLiteralsQuoteEveryElement) {
  std::vector<std::optional<std::string_view>> values{"a",           std::nullopt, "say \"hi\"",
                                                      "back\\slash", "",           "{,}"};
  EXPECT_EQ(postgres::text_array_literal(values),
            R"({"a",NULL,"say \"hi\"","back\\slash","","{,}"})");
  EXPECT_EQ(postgres::text_array_literal({}), "{}");
}

}  // namespace
}  // namespace linkgate::store::testing
