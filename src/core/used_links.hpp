// The sign-in links this process consumed lately, so that a link opened again is reported as
// reused (AuditReason::reused) rather than as unknown (forged, mistyped, voided). The store keeps
// no trace of a consumed link (Auth.js deletes the row), so this memory is the only witness: it is
// per process (a link reused on another node, or after a restart, is reported as unknown), keeps
// each link for kUsedLinkMemory after its use, and at most kUsedLinksKept of them (the oldest go
// first). It only names a failure in the audit trail and the metrics: every answer is the same
// whatever it says.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "linkgate/store.hpp"

namespace linkgate::core {

inline constexpr std::chrono::hours kUsedLinkMemory{24};
inline constexpr std::size_t kUsedLinksKept = 16384;

class UsedLinks {
 public:
  // Remembers that the link whose token hash (under the first secret) is `token_hash` was
  // consumed at `now`. Thread-safe.
  void remember(std::string_view token_hash, TimePoint now);
  // True when that link was remembered less than kUsedLinkMemory before `now`. Thread-safe.
  bool was_used(std::string_view token_hash, TimePoint now) const;

 private:
  // Forgets what is older than kUsedLinkMemory, and the oldest beyond kUsedLinksKept.
  // REQUIRES: mutex_ held.
  void forget_old(TimePoint now);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, TimePoint> used_at_;
  std::deque<std::pair<std::string, TimePoint>> in_order_;  // oldest first
};

}  // namespace linkgate::core
