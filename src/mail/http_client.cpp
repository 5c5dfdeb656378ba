#include "mail/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "io/waiter.hpp"
#include "mail/curl_library.hpp"

namespace linkgate::mail {

namespace {

constexpr long kMaxConnectionAgeSeconds = 300;
// How often a transfer with two sockets at once comes back to let curl look at both.
constexpr std::chrono::milliseconds kPeekInterval{10};
// Transfer slots a thread keeps for reuse at most (one per call in flight on it at a time).
constexpr std::size_t kKeptSlots = 64;

// One transfer at a time: an easy handle driven through a multi handle of its own, whose
// connection cache, DNS cache and TLS session cache outlive each call, so the next POST to the
// same host reuses the open connection (no new TCP connection, no new TLS handshake).
//
// The multi handle's socket and timer callbacks say what the transfer waits for; the call waits
// for it through io::wait_socket and io::sleep_until, so on a fiber of the event loop only the
// fiber waits, and on any other thread the thread blocks in poll().
struct Slot {
  std::unique_ptr<CURLM, CurlMultiDeleter> multi;
  std::unique_ptr<CURL, CurlEasyDeleter> easy;
  // Set by the callbacks while a transfer runs: its sockets (what each waits for, CURL_POLL_*)
  // and when curl wants to be called again without socket activity (nullopt: no timer).
  std::vector<std::pair<curl_socket_t, int>> sockets;
  std::optional<std::chrono::steady_clock::time_point> timer;
};

int on_socket(CURL*, curl_socket_t socket, int what, void* user, void*) {
  auto& sockets = static_cast<Slot*>(user)->sockets;
  auto known = std::find_if(sockets.begin(), sockets.end(),
                            [&](const auto& entry) { return entry.first == socket; });
  if (what == CURL_POLL_REMOVE) {
    if (known != sockets.end()) sockets.erase(known);
  } else if (known != sockets.end()) {
    known->second = what;
  } else {
    sockets.emplace_back(socket, what);
  }
  return 0;
}

int on_timer(CURLM*, long timeout_ms, void* user) {
  auto& timer = static_cast<Slot*>(user)->timer;
  if (timeout_ms < 0) {
    timer.reset();
  } else {
    timer = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

// A new slot, or null when curl cannot make its handles.
std::unique_ptr<Slot> make_slot(const CurlApi& curl) {
  auto slot = std::make_unique<Slot>();
  slot->multi =
      std::unique_ptr<CURLM, CurlMultiDeleter>(curl.multi_init(), CurlMultiDeleter{&curl});
  slot->easy = std::unique_ptr<CURL, CurlEasyDeleter>(curl.easy_init(), CurlEasyDeleter{&curl});
  if (!slot->multi || !slot->easy) return nullptr;
  curl.multi_setopt(slot->multi.get(), CURLMOPT_SOCKETFUNCTION, &on_socket);
  curl.multi_setopt(slot->multi.get(), CURLMOPT_SOCKETDATA, slot.get());
  curl.multi_setopt(slot->multi.get(), CURLMOPT_TIMERFUNCTION, &on_timer);
  curl.multi_setopt(slot->multi.get(), CURLMOPT_TIMERDATA, slot.get());
  return slot;
}

// This thread's idle slots. A call takes one (or makes one) and gives it back when it ends, so
// calls in flight at once on one thread (fibers of one loop) never share a handle.
std::vector<std::unique_ptr<Slot>>& idle_slots() {
  thread_local std::vector<std::unique_ptr<Slot>> slots;
  return slots;
}

// Holds a slot for one call, with its easy handle in its multi handle. When the call ends,
// whichever way (a fiber unwound by its loop's shutdown included), the handle leaves the multi
// handle and is reset to its initial options, so no header list, body, callback, buffer or
// timeout of one call is ever seen by the next and the handle keeps no pointer to the call's
// locals (curl_easy_reset keeps the caches); then the slot goes back to the thread's idle slots.
class SlotLease {
 public:
  SlotLease(const CurlApi& curl, std::unique_ptr<Slot> slot)
      : curl_(curl), slot_(std::move(slot)) {}
  ~SlotLease() {
    if (added_) curl_.multi_remove_handle(slot_->multi.get(), slot_->easy.get());
    curl_.easy_reset(slot_->easy.get());
    slot_->sockets.clear();
    slot_->timer.reset();
    auto& idle = idle_slots();
    if (idle.size() < kKeptSlots) idle.push_back(std::move(slot_));
  }
  SlotLease(const SlotLease&) = delete;
  SlotLease& operator=(const SlotLease&) = delete;

  Slot& slot() { return *slot_; }
  bool add() {
    added_ = curl_.multi_add_handle(slot_->multi.get(), slot_->easy.get()) == CURLM_OK;
    return added_;
  }

 private:
  const CurlApi& curl_;
  std::unique_ptr<Slot> slot_;
  bool added_ = false;
};

std::unique_ptr<Slot> take_slot(const CurlApi& curl) {
  auto& idle = idle_slots();
  if (idle.empty()) return make_slot(curl);
  auto slot = std::move(idle.back());
  idle.pop_back();
  return slot;
}

io::Readiness readiness_of(int what) {
  if (what == CURL_POLL_IN) return io::Readiness::readable;
  if (what == CURL_POLL_OUT) return io::Readiness::writable;
  return io::Readiness::either;
}

int event_mask_of(int what) {
  if (what == CURL_POLL_IN) return CURL_CSELECT_IN;
  if (what == CURL_POLL_OUT) return CURL_CSELECT_OUT;
  return 0;  // curl checks the socket itself
}

// Runs the slot's transfer until it ends, and returns curl's result for it. `limit` ends it
// should curl's own total timeout somehow not (CURLE_OPERATION_TIMEDOUT).
CURLcode run_transfer(const CurlApi& curl, Slot& slot,
                      std::chrono::steady_clock::time_point limit) {
  using Clock = std::chrono::steady_clock;
  CURLM* multi = slot.multi.get();
  int running = 0;
  if (curl.multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running) != CURLM_OK) {
    return CURLE_FAILED_INIT;
  }
  while (running > 0) {
    if (Clock::now() >= limit) return CURLE_OPERATION_TIMEDOUT;
    // With no timer, curl still wants to be asked again soon: a call made a little before its
    // timeout is due can leave the transfer running with no timer at all (seen with a 370 ms
    // timeout: woken at its timer, curl found it not quite due and set none), and waiting for
    // the socket until `limit` would then overrun the timeout by a second.
    io::Deadline deadline = std::min(limit, slot.timer.value_or(Clock::now() + kPeekInterval));
    // Two sockets at once (a second address family tried while the first still connects): the
    // wait watches the newest, and comes back soon to let curl look at the other.
    if (slot.sockets.size() > 1) deadline = std::min(deadline, Clock::now() + kPeekInterval);
    bool ready = false;
    curl_socket_t socket = CURL_SOCKET_BAD;
    int mask = 0;
    if (slot.sockets.empty()) {
      io::sleep_until(deadline);
    } else {
      socket = slot.sockets.back().first;
      const int what = slot.sockets.back().second;
      ready = io::wait_socket(socket, readiness_of(what), deadline);
      mask = event_mask_of(what);
    }
    CURLMcode code = CURLM_OK;
    if (ready) {
      code = curl.multi_socket_action(multi, socket, mask, &running);
    } else {
      code = curl.multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
      // Let curl look at its sockets too (a connect that completed on the other one).
      if (code == CURLM_OK && running > 0 && !slot.sockets.empty()) {
        code = curl.multi_socket_action(multi, slot.sockets.front().first, 0, &running);
      }
    }
    if (code != CURLM_OK) return CURLE_FAILED_INIT;
  }
  int left = 0;
  while (CURLMsg* message = curl.multi_info_read(multi, &left)) {
    if (message->msg == CURLMSG_DONE) return message->data.result;
  }
  return CURLE_FAILED_INIT;
}

struct Sink {
  std::string* body;
  std::size_t limit;
  bool cut = false;  // the answer went past `limit`: the transfer was ended there
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  const std::size_t room = sink->limit - sink->body->size();
  if (n <= room) {
    sink->body->append(data, n);
    return n;
  }
  // Past the limit: keep what fits and end the transfer (curl reports a write error, which
  // http_post answers as the cut answer), so that a long or endless answer is not read on.
  sink->body->append(data, room);
  sink->cut = true;
  return 0;
}

// Keeps the Retry-After header of the final answer (a new status line starts a new block).
std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* retry_after = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.substr(0, 5) == "HTTP/") retry_after->clear();
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (std::size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (match) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' ||
                                value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
      }
      retry_after->assign(value.substr(0, 64));
    }
  }
  return n;
}

bool has_control_breaks(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool starts_with_http_scheme(std::string_view url) {
  auto lower_prefix = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    }
    return true;
  };
  return lower_prefix("http://") || lower_prefix("https://");
}

Error unavailable(std::string message) {
  return Error{"unavailable", std::move(message)};
}

}  // namespace

Result<HttpResponse> http_post(const HttpPost& request) {
  if (!starts_with_http_scheme(request.url) || has_control_breaks(request.url)) {
    return Error{"invalid_input", "http: the URL must be http:// or https://"};
  }
  const auto& api = curl_api();
  if (!api) return unavailable("http: " + api.error().message);
  const CurlApi& curl = **api;

  std::unique_ptr<curl_slist, CurlSlistDeleter> headers(nullptr, CurlSlistDeleter{&curl});
  for (const auto& [name, value] : request.headers) {
    // A CR or LF in a header would let a configured value inject more headers; such a value
    // is a configuration error, reported without echoing it (it may be a key).
    if (name.empty() || has_control_breaks(name) || has_control_breaks(value)) {
      return Error{"invalid_input", "http: header '" +
                                        (has_control_breaks(name) ? std::string("?") : name) +
                                        "' contains a line break"};
    }
    const std::string line = name + ": " + value;
    curl_slist* next = curl.slist_append(headers.get(), line.c_str());
    if (next == nullptr) return unavailable("http: out of memory building headers");
    headers.release();
    headers.reset(next);
  }
  // curl adds "Expect: 100-continue" to large POSTs; providers do not need the extra round trip.
  {
    curl_slist* next = curl.slist_append(headers.get(), "Expect:");
    if (next == nullptr) return unavailable("http: out of memory building headers");
    headers.release();
    headers.reset(next);
  }

  auto slot = take_slot(curl);
  if (!slot) return unavailable("http: curl could not make its handles");

  HttpResponse response;
  Sink sink{&response.body, request.max_response_bytes};
  char error_text[CURL_ERROR_SIZE] = {0};
  // Declared after every local the handle points to, so it is reset before they go away.
  SlotLease lease(curl, std::move(slot));
  CURL* h = lease.slot().easy.get();
  curl.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_POST, 1L);
  curl.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // A kept connection is not used for a new call once it is this old, so a provider's DNS
  // change reaches a busy server within minutes (curl's DNS cache lasts 60 s).
  curl.easy_setopt(h, CURLOPT_MAXLIFETIME_CONN, kMaxConnectionAgeSeconds);
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_body);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, &read_header);
  curl.easy_setopt(h, CURLOPT_HEADERDATA, &response.retry_after);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  curl.easy_setopt(h, CURLOPT_USERAGENT, "linkgate");

  if (!lease.add()) return unavailable("http: curl could not start the transfer");
  // curl ends the transfer at CURLOPT_TIMEOUT_MS; this bound only backs that up.
  const auto limit = std::chrono::steady_clock::now() + request.total_timeout + kPeekInterval * 100;
  const CURLcode code = run_transfer(curl, lease.slot(), limit);
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && sink.cut)) {
    std::string text = error_text[0] != '\0' ? error_text : curl.easy_strerror(code);
    return unavailable("http: " + text);
  }
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace linkgate::mail
