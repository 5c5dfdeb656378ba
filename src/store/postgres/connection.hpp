// One libpq connection with its prepared statements, and the values that go in and out of it.
//
// A Connection is used by one thread at a time; the ConnectionPool hands each caller its own. Its
// waits (connecting, results) go through io::wait_socket, so that on a fiber they suspend only
// the fiber (io/waiter.hpp).
// Error messages never carry bound values (tokens, emails) nor the password of the URL: they name
// the operation, PostgreSQL's primary message and its SQLSTATE (data errors, whose messages may
// quote a value, carry only the SQLSTATE).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "linkgate/result.hpp"
#include "linkgate/store.hpp"
#include "store/postgres/host_resolution.hpp"

struct pg_conn;
struct pg_result;

namespace linkgate::store::postgres {

// Where and how to connect. Built by parse_connect_settings from DATABASE_URL.
struct ConnectSettings {
  std::string url;  // postgres://user:password@host:port/db?params (libpq's URI syntax)
  // The URL's connection keywords and values, but for host, hostaddr and port (`hosts`).
  std::vector<std::pair<std::string, std::string>> options;
  std::string description;  // the URL without its password, for messages
  std::string password;     // removed from any message libpq writes, should it appear there
  // Bounds each host's attempt: a URL with several hosts tries them in turn, each for this long,
  // so that a host that swallows packets (a dead primary) does not use up the others' time.
  std::chrono::seconds connect_timeout{3};
  // Bounds the wait for a statement's result: past it the connection is closed (its server may
  // be gone without a word) and the call fails as unavailable. Migrations are not bounded.
  std::chrono::milliseconds statement_timeout{15000};
  // Named prepared statements, prepared once per connection (faster); false sends every statement
  // unnamed, in one round trip as well, for poolers that hand each transaction to another server
  // connection (PgBouncer's transaction pooling before 1.21): DATABASE_PREPARED_STATEMENTS.
  bool prepared_statements = true;
  // libpq's gssencmode when neither the URL nor PGGSSENCMODE sets one: "disable", so that opening
  // a connection does not first look for Kerberos credentials (libpq's default, "prefer", loads
  // and initializes Kerberos for every new connection). Empty: libpq decides.
  std::string default_gssencmode;
  // The URL's host, hostaddr and port lists (PGHOST, PGHOSTADDR, PGPORT where the URL has none),
  // and how their host names are looked up before each connect
  // (store/postgres/host_resolution.hpp).
  HostList hosts;
  ResolveHost resolve_host = resolve_with_getaddrinfo;
};

// Validates `url` with libpq's own parser. The Error never repeats the URL (it may hold a
// password).
Result<ConnectSettings> parse_connect_settings(const std::string& url,
                                               std::chrono::seconds connect_timeout);

// A statement of the adapter, prepared on each connection under `name` the first time it is used.
struct Statement {
  const char* name;
  const char* sql;
};

// The parameters of one execution. Text values are sent as text (PostgreSQL converts them to the
// column's type); times are sent in binary as timestamptz, so that milliseconds arrive exactly.
class Params {
 public:
  Params& text(std::string_view value);
  Params& null();
  Params& time(TimePoint value);
  Params& integer(std::int64_t value) { return text(std::to_string(value)); }
  Params& optional_text(const std::optional<std::string>& value) {
    return value ? text(*value) : null();
  }
  Params& optional_time(const std::optional<TimePoint>& value) {
    return value ? time(*value) : null();
  }

 private:
  friend class Connection;
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
  std::vector<int> formats_;
};

// The rows of a successful execution, in text format.
class Rows {
 public:
  explicit Rows(pg_result* result) : result_(result) {}
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows();

  int size() const;
  // The number of rows the command changed (PQcmdTuples).
  std::int64_t affected() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;  // NULL reads as ""
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  // A column selected as integer milliseconds since the Unix epoch (see kMillis in the store).
  TimePoint time(int row, int column) const {
    return TimePoint(std::chrono::milliseconds(integer(row, column)));
  }
  std::optional<TimePoint> optional_time(int row, int column) const;

 private:
  friend class Connection;
  pg_result* result_;
};

class Connection {
 public:
  // Connects (bounded by the connect timeout). A failure is Error{kind "unavailable"}.
  static Result<std::unique_ptr<Connection>> open(const ConnectSettings& settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a prepared statement (preparing it on first use on this connection).
  Result<Rows> execute(const Statement& statement, const Params& params,
                       std::string_view operation);
  // The value libpq uses for one of its connection options ("gssencmode", "sslmode", …), or empty.
  std::string option(std::string_view keyword) const;
  // Runs one or more statements without parameters (transaction control, migrations), waiting
  // for the result until `deadline` (by default the statement timeout from now).
  Result<Rows> run_script(const std::string& sql, std::string_view operation);
  Result<Rows> run_script(const std::string& sql, std::string_view operation,
                          io::Deadline deadline);

  // False when the server has closed this connection (a restart, an administrator's
  // pg_terminate_backend): reads what is pending without waiting.
  bool healthy();
  // True when the connection is open, idle and outside any transaction, and no call on it failed
  // as unavailable (a lost server, a timeout, a server that turned read-only after a failover):
  // fit to be reused.
  bool reusable() const;

 private:
  Connection(pg_conn* conn, const ConnectSettings& settings) : conn_(conn), settings_(settings) {}
  // The error of a failed call; one of kind "unavailable" also marks the connection unfit for
  // reuse.
  Error error_from(std::string_view operation, const pg_result* result);
  // Sends the command just queued (PQsend*) and reads all its results, waiting through
  // io::wait_socket until `deadline`: the command's result, or its first error.
  Result<Rows> await_result(std::string_view operation, io::Deadline deadline);
  io::Deadline statement_deadline() const;

  // When a statement prepared on this connection is prepared again. PostgreSQL keeps the generic
  // plan it makes at a prepared statement's sixth execution, costed on the table sizes of that
  // moment: made while a table was nearly empty (a new database), it scans the whole table once
  // that has grown, until autovacuum's next ANALYZE invalidates it (measured: 390 µs instead of
  // 90 µs per callback statement a few seconds into a load on a fresh database). Preparing again
  // 1, 2, 4, … seconds after the first use, at most every kMaxReplan, lets plans follow growing
  // tables for a few round trips per statement per interval.
  struct Plan {
    std::chrono::steady_clock::time_point replan_at;
    std::chrono::seconds interval{0};
  };
  static constexpr std::chrono::seconds kFirstReplan{1};
  static constexpr std::chrono::seconds kMaxReplan{1024};

  pg_conn* conn_;
  const ConnectSettings& settings_;
  bool broken_ = false;  // a call failed as unavailable: closed when released
  std::unordered_map<std::string_view, Plan> prepared_;
};

}  // namespace linkgate::store::postgres
