// A Store that forwards each of Store's single-row methods to another store and leaves the
// composed sign-in steps (use_verification_token_and_get_user, ..., redeem_link) to Store's
// defaults. Tests use it as a store written before those steps existed, and derive from it to
// make one method fail.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "linkgate/store.hpp"

namespace linkgate::testing {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(std::shared_ptr<Store> inner) : inner_(std::move(inner)) {}
  Result<User> create_user(const User& u) override { return inner_->create_user(u); }
  Result<std::optional<User>> get_user(const std::string& id) override {
    return inner_->get_user(id);
  }
  Result<std::optional<User>> get_user_by_email(const std::string& e) override {
    return inner_->get_user_by_email(e);
  }
  Result<User> update_user(const UserUpdate& u) override { return inner_->update_user(u); }
  Result<Session> create_session(const Session& s) override { return inner_->create_session(s); }
  Result<std::optional<SessionAndUser>> get_session_and_user(const std::string& t) override {
    return inner_->get_session_and_user(t);
  }
  Result<void> update_session_expiry(const std::string& t, TimePoint e) override {
    return inner_->update_session_expiry(t, e);
  }
  Result<std::optional<Session>> delete_session(const std::string& t) override {
    return inner_->delete_session(t);
  }
  Result<std::string> add_webhook_event(const std::string& type, const std::string& data,
                                        TimePoint now) override {
    return inner_->add_webhook_event(type, data, now);
  }
  Result<std::vector<WebhookEvent>> list_webhook_events(bool failed_only, int limit) override {
    return inner_->list_webhook_events(failed_only, limit);
  }
  Result<void> create_verification_token(const VerificationToken& t) override {
    return inner_->create_verification_token(t);
  }
  Result<std::optional<VerificationToken>> use_verification_token(const std::string& i,
                                                                  const std::string& h) override {
    return inner_->use_verification_token(i, h);
  }
  Result<std::int64_t> delete_verification_tokens(const std::string& i) override {
    return inner_->delete_verification_tokens(i);
  }
  Result<void> create_one_time_code(const OneTimeCode& c) override {
    return inner_->create_one_time_code(c);
  }
  Result<std::optional<OneTimeCode>> use_one_time_code(const std::string& i, const std::string& h,
                                                       int max) override {
    return inner_->use_one_time_code(i, h, max);
  }
  Result<void> delete_one_time_codes_of_link(const std::string& h) override {
    return inner_->delete_one_time_codes_of_link(h);
  }
  Result<RateWindow> count_hit(const std::string& key, TimePoint now,
                               std::chrono::milliseconds window) override {
    return inner_->count_hit(key, now, window);
  }
  Result<SweepCounts> delete_expired(TimePoint now) override { return inner_->delete_expired(now); }
  Result<std::int64_t> add_outbox_message(const OutboxMessage& m) override {
    return inner_->add_outbox_message(m);
  }
  Result<std::vector<OutboxMessage>> list_outbox_messages(int limit) override {
    return inner_->list_outbox_messages(limit);
  }

 private:
  std::shared_ptr<Store> inner_;
};

}  // namespace linkgate::testing
