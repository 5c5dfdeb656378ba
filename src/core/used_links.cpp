#include "core/used_links.hpp"

namespace linkgate::core {

void UsedLinks::remember(std::string_view token_hash, TimePoint now) {
  std::lock_guard lock(mutex_);
  std::string key(token_hash);
  used_at_[key] = now;
  in_order_.emplace_back(std::move(key), now);
  forget_old(now);
}

bool UsedLinks::was_used(std::string_view token_hash, TimePoint now) const {
  std::lock_guard lock(mutex_);
  auto found = used_at_.find(std::string(token_hash));
  return found != used_at_.end() && now - found->second < kUsedLinkMemory;
}

void UsedLinks::forget_old(TimePoint now) {
  while (!in_order_.empty() &&
         (in_order_.size() > kUsedLinksKept || now - in_order_.front().second >= kUsedLinkMemory)) {
    auto& [key, at] = in_order_.front();
    // A link remembered again later keeps its later entry.
    if (auto found = used_at_.find(key); found != used_at_.end() && found->second == at) {
      used_at_.erase(found);
    }
    in_order_.pop_front();
  }
}

}  // namespace linkgate::core
