#include "store/postgres/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "io/waiter.hpp"

namespace linkgate::store::postgres {

namespace {

// PostgreSQL's binary timestamptz: microseconds since 2000-01-01T00:00:00Z.
constexpr std::int64_t kPgEpochMicros = 946'684'800'000'000;

// One line, without the password (libpq does not echo it, but a message is never trusted to).
std::string clean_message(std::string message, const std::string& password) {
  if (!password.empty()) {
    for (auto at = message.find(password); at != std::string::npos;
         at = message.find(password, at)) {
      message.replace(at, password.size(), "***");
    }
  }
  std::string out;
  bool space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// SQLSTATEs that mean "the database cannot be used right now", as opposed to a bad statement:
// connection exceptions (class 08), shutdown and startup (57P01–57P03), too many connections,
// and a read-only transaction (25006): a server that was the primary and is now a standby, or a
// standby reached through a pooler that has not yet followed a failover.
bool is_unavailable_state(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03" ||
         state == "53300" || state == "25006";
}

Error make_error(std::string_view kind, std::string_view operation, std::string_view reason) {
  std::string message = "postgres: ";
  message.append(operation).append(": ").append(reason);
  return Error{std::string(kind), std::move(message)};
}

std::string option_value(const PQconninfoOption* options, const char* keyword) {
  for (const auto* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, keyword) == 0 && o->val != nullptr) return o->val;
  }
  return "";
}

// The URL's value, else the environment variable libpq would read in its place.
std::string option_or_env(const PQconninfoOption* options, const char* keyword,
                          const char* variable) {
  std::string value = option_value(options, keyword);
  if (value.empty()) {
    const char* from_env = std::getenv(variable);
    if (from_env != nullptr) value = from_env;
  }
  return value;
}

}  // namespace

Result<ConnectSettings> parse_connect_settings(const std::string& url,
                                               std::chrono::seconds connect_timeout) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    // libpq's message may quote part of the URL, and so the password: it is not repeated.
    PQfreemem(error);
    return Error{"configuration",
                 "DATABASE_URL is not a valid PostgreSQL URL (expected "
                 "postgres://user:password@host:port/database)"};
  }
  ConnectSettings settings;
  settings.url = url;
  settings.password = option_value(options, "password");
  settings.connect_timeout = connect_timeout;
  // A URL that sets gssencmode overrides this default (see Connection::open); the environment
  // variable is honoured by passing no default at all.
  const char* gssencmode_env = std::getenv("PGGSSENCMODE");
  if (gssencmode_env == nullptr || *gssencmode_env == '\0') settings.default_gssencmode = "disable";
  for (const auto* o = options; o->keyword != nullptr; ++o) {
    const std::string_view keyword = o->keyword;
    if (o->val == nullptr || keyword == "host" || keyword == "hostaddr" || keyword == "port") {
      continue;
    }
    settings.options.emplace_back(o->keyword, o->val);
  }
  settings.hosts.host = option_or_env(options, "host", "PGHOST");
  settings.hosts.hostaddr = option_or_env(options, "hostaddr", "PGHOSTADDR");
  settings.hosts.port = option_or_env(options, "port", "PGPORT");
  const std::string user = option_value(options, "user");
  const std::string host = option_value(options, "host");
  const std::string port = option_value(options, "port");
  settings.description = "postgres://" + (user.empty() ? "" : user + "@") +
                         (host.empty() ? "localhost" : host) + (port.empty() ? "" : ":" + port) +
                         "/" + option_value(options, "dbname");
  PQconninfoFree(options);
  return settings;
}

// ---- Params ----

Params& Params::text(std::string_view value) {
  values_.emplace_back(value);
  nulls_.push_back(false);
  formats_.push_back(0);
  return *this;
}

Params& Params::null() {
  values_.emplace_back();
  nulls_.push_back(true);
  formats_.push_back(0);
  return *this;
}

Params& Params::time(TimePoint value) {
  const auto micros =
      static_cast<std::uint64_t>(value.time_since_epoch().count() * 1000 - kPgEpochMicros);
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((micros >> (56 - 8 * i)) & 0xff);
  values_.push_back(std::move(bytes));
  nulls_.push_back(false);
  formats_.push_back(1);
  return *this;
}

// ---- Rows ----

Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Rows::~Rows() {
  if (result_ != nullptr) PQclear(result_);
}

int Rows::size() const {
  return PQntuples(result_);
}

std::int64_t Rows::affected() const {
  const char* text = PQcmdTuples(result_);
  std::int64_t count = 0;
  std::from_chars(text, text + std::strlen(text), count);
  return count;
}

bool Rows::is_null(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t Rows::integer(int row, int column) const {
  const char* text = PQgetvalue(result_, row, column);
  std::int64_t value = 0;
  std::from_chars(text, text + PQgetlength(result_, row, column), value);
  return value;
}

std::optional<TimePoint> Rows::optional_time(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return time(row, column);
}

// ---- Connection ----

namespace {

// One attempt on one entry of the host lists (or on the lists as a whole), bounded by `deadline`.
// Started here and driven by PQconnectPoll, so that the waits go through io::wait_socket (a
// fiber's wait suspends only the fiber). On failure, libpq's reason.
Result<PGconn*> connect_to(const ConnectSettings& settings, const HostList& entry,
                           io::Deadline deadline) {
  const std::string timeout = std::to_string(settings.connect_timeout.count());
  // Defaults first, then the URL's keywords (a later keyword wins), then this entry's host lists.
  std::vector<const char*> keywords{"connect_timeout", "application_name"};
  std::vector<const char*> values{timeout.c_str(), "linkgate"};
  if (!settings.default_gssencmode.empty()) {
    keywords.push_back("gssencmode");
    values.push_back(settings.default_gssencmode.c_str());
  }
  for (const auto& [keyword, value] : settings.options) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  for (const auto& [keyword, value] :
       {std::pair{"host", &entry.host}, {"hostaddr", &entry.hostaddr}, {"port", &entry.port}}) {
    if (value->empty()) continue;
    keywords.push_back(keyword);
    values.push_back(value->c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectStartParams(keywords.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr) return Error{"unavailable", "out of memory"};
  const auto fail = [&](std::string reason) {
    PQfinish(conn);
    return Error{"unavailable", std::move(reason)};
  };
  PostgresPollingStatusType progress =
      PQstatus(conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
  while (progress != PGRES_POLLING_OK) {
    if (progress == PGRES_POLLING_FAILED) return fail(PQerrorMessage(conn));
    const auto readiness =
        progress == PGRES_POLLING_READING ? io::Readiness::readable : io::Readiness::writable;
    if (!io::wait_socket(PQsocket(conn), readiness, deadline)) {
      const std::string where = entry.host.empty() ? entry.hostaddr : entry.host;
      return fail(where.empty() ? "timeout expired"
                                : "connection to " + where + (entry.port.empty() ? "" : ":") +
                                      entry.port + ": timeout expired");
    }
    progress = PQconnectPoll(conn);
  }
  return conn;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const ConnectSettings& settings) {
  const auto connect_error = [&](const std::string& reason) {
    return make_error("unavailable", "connect",
                      "cannot connect to " + settings.description + ": " +
                          clean_message(reason, settings.password));
  };
  // Host names are looked up here, never by libpq (store/postgres/host_resolution.hpp).
  auto resolved = resolve_host_list(settings.hosts, settings.resolve_host,
                                    std::chrono::steady_clock::now() + settings.connect_timeout);
  if (!resolved) return connect_error(resolved.error().message);
  // Each entry in turn with a timeout of its own, as libpq's blocking connect does: a primary
  // that is gone without a word costs one timeout, then the next host is tried (with the URL's
  // target_session_attrs checked on each).
  std::string reasons;
  PGconn* conn = nullptr;
  for (const HostList& entry : host_entries(resolved->value_or(settings.hosts))) {
    auto attempt =
        connect_to(settings, entry, std::chrono::steady_clock::now() + settings.connect_timeout);
    if (attempt) {
      conn = *attempt;
      break;
    }
    std::string reason = attempt.error().message;
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    reasons += (reasons.empty() ? "" : "; ") + reason;
  }
  if (conn == nullptr) return connect_error(reasons);
  const auto fail = [&](std::string reason) {
    Error error = connect_error(reason);
    PQfinish(conn);
    return error;
  };
  // Results are then awaited the same way: sends never block (see await_result).
  if (PQsetnonblocking(conn, 1) != 0) return fail(PQerrorMessage(conn));
  // Notices (and the FATAL a server sends an idle connection when it shuts down) would go to
  // stderr by default; the errors that matter come back as Error values instead.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  // No session state is set: timestamps travel in binary or as epoch milliseconds, so the session
  // time zone never matters, and a pooler in transaction mode could not keep a SET anyway.
  return std::unique_ptr<Connection>(new Connection(conn, settings));
}

Connection::~Connection() {
  PQfinish(conn_);
}

Error Connection::error_from(std::string_view operation, const PGresult* result) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    return make_error("unavailable", operation,
                      "the connection to " + settings_.description +
                          " was lost: " + clean_message(PQerrorMessage(conn_), settings_.password));
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  std::string reason;
  if (sqlstate.starts_with("22")) {
    // Data exceptions quote the offending value.
    reason = "invalid value";
  } else if (primary != nullptr) {
    reason = clean_message(primary, settings_.password);
  } else {
    reason = clean_message(PQerrorMessage(conn_), settings_.password);
  }
  if (!sqlstate.empty()) reason += " (SQLSTATE " + sqlstate + ")";
  const bool unavailable = is_unavailable_state(sqlstate);
  if (unavailable) broken_ = true;
  return make_error(unavailable ? "unavailable" : "store", operation, reason);
}

io::Deadline Connection::statement_deadline() const {
  return std::chrono::steady_clock::now() + settings_.statement_timeout;
}

Result<Rows> Connection::execute(const Statement& statement, const Params& params,
                                 std::string_view operation) {
  const int count = static_cast<int>(params.values_.size());
  std::vector<const char*> values(count);
  std::vector<int> lengths(count);
  for (int i = 0; i < count; ++i) {
    values[i] = params.nulls_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  if (!settings_.prepared_statements) {
    // The unnamed statement: parsed, bound and run in one message sequence, so one round trip
    // that leaves nothing behind on the server connection.
    if (PQsendQueryParams(conn_, statement.sql, count, nullptr, values.data(), lengths.data(),
                          params.formats_.data(), /*resultFormat=*/0) == 0) {
      return error_from(operation, nullptr);
    }
    return await_result(operation, statement_deadline());
  }
  const auto now = std::chrono::steady_clock::now();
  auto known = prepared_.find(statement.name);
  std::chrono::seconds interval = kFirstReplan;
  if (known != prepared_.end() && now >= known->second.replan_at) {
    // Forgotten first, so that a failure below leaves it to be prepared from scratch.
    interval = std::min(2 * known->second.interval, kMaxReplan);
    prepared_.erase(known);
    known = prepared_.end();
    const std::string drop = std::string("DEALLOCATE ") + statement.name;
    if (auto dropped = run_script(drop, operation); !dropped) return dropped.error();
  }
  if (known == prepared_.end()) {
    if (PQsendPrepare(conn_, statement.name, statement.sql, 0, nullptr) == 0) {
      return error_from(operation, nullptr);
    }
    if (auto prepared = await_result(operation, statement_deadline()); !prepared) {
      return prepared.error();
    }
    prepared_.emplace(statement.name, Plan{.replan_at = now + interval, .interval = interval});
  }
  if (PQsendQueryPrepared(conn_, statement.name, count, values.data(), lengths.data(),
                          params.formats_.data(), /*resultFormat=*/0) == 0) {
    return error_from(operation, nullptr);
  }
  return await_result(operation, statement_deadline());
}

std::string Connection::option(std::string_view keyword) const {
  PQconninfoOption* options = PQconninfo(conn_);
  if (options == nullptr) return "";
  std::string value;
  for (const auto* o = options; o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) value = o->val;
  }
  PQconninfoFree(options);
  return value;
}

Result<Rows> Connection::run_script(const std::string& sql, std::string_view operation) {
  return run_script(sql, operation, statement_deadline());
}

Result<Rows> Connection::run_script(const std::string& sql, std::string_view operation,
                                    io::Deadline deadline) {
  if (PQsendQuery(conn_, sql.c_str()) == 0) return error_from(operation, nullptr);
  return await_result(operation, deadline);
}

Result<Rows> Connection::await_result(std::string_view operation, io::Deadline deadline) {
  const int socket = PQsocket(conn_);
  // A server that stops answering (its host gone without closing the connection) is given up at
  // the deadline; the connection, its state unknown, is then closed when released.
  const auto timed_out = [&] {
    broken_ = true;
    return make_error("unavailable", operation,
                      "no answer from " + settings_.description + " within " +
                          std::to_string(settings_.statement_timeout.count()) + " ms");
  };
  // Sends what libpq still holds. Reading what has arrived first keeps a server that is itself
  // waiting to send (a notice) from waiting on us.
  for (int left = PQflush(conn_); left != 0; left = PQflush(conn_)) {
    if (left < 0 || PQconsumeInput(conn_) == 0) return error_from(operation, nullptr);
    if (!io::wait_socket(socket, io::Readiness::writable, deadline)) return timed_out();
  }
  // Every result of the command, until libpq's null: the first error wins (a script stops at
  // it), otherwise the last result is the command's.
  Rows kept(nullptr);
  bool failed = false;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      if (!io::wait_socket(socket, io::Readiness::readable, deadline)) return timed_out();
      if (PQconsumeInput(conn_) == 0) return error_from(operation, nullptr);
    }
    PGresult* next = PQgetResult(conn_);
    if (next == nullptr) break;
    Rows result(next);
    const auto status = PQresultStatus(next);
    const bool ok = status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
    if (failed) continue;
    failed = !ok;
    kept = std::move(result);
  }
  if (failed || kept.result_ == nullptr) return error_from(operation, kept.result_);
  return kept;
}

bool Connection::healthy() {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  // The common case in one syscall that does not wait: nothing readable means the server has
  // sent nothing since the last result (neither a FATAL message nor the end of the stream).
  pollfd socket{.fd = PQsocket(conn_), .events = POLLIN, .revents = 0};
  if (::poll(&socket, 1, 0) == 0) return true;
  // Twice: the first read may take the FATAL message a terminated backend sent, the second
  // then sees the end of the stream. Neither waits: they read only what has already arrived.
  for (int i = 0; i < 2; ++i) {
    if (PQstatus(conn_) != CONNECTION_OK || PQconsumeInput(conn_) == 0) return false;
    (void)PQisBusy(conn_);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::reusable() const {
  return !broken_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

}  // namespace linkgate::store::postgres
