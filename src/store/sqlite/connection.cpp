#include "store/sqlite/connection.hpp"

#include <sqlite3.h>

#include <chrono>
#include <utility>

namespace linkgate::store::sqlite {

namespace {

// Long enough to ride out a burst of writers on two cores, short enough that a wedged database
// surfaces as an error instead of a hung request.
constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Error store_error(std::string_view operation, std::string_view reason) {
  std::string message = "sqlite: ";
  message.append(operation);
  message.append(": ");
  message.append(reason);
  return Error{"store", std::move(message)};
}

// ---- Query ----

Query::Query(sqlite3* db, sqlite3_stmt* stmt, std::string_view operation)
    : db_(db), stmt_(stmt), operation_(operation) {}

Query::Query(Query&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      operation_(other.operation_),
      next_index_(other.next_index_),
      bind_error_(std::move(other.bind_error_)) {}

Query::~Query() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Query::check_bind(int rc) {
  if (rc != SQLITE_OK && !bind_error_) {
    bind_error_ = store_error(operation_, sqlite3_errstr(rc));
  }
}

Query& Query::bind(std::string_view text) {
  check_bind(sqlite3_bind_text64(stmt_, next_index_++, text.data(), text.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8));
  return *this;
}

Query& Query::bind(std::int64_t number) {
  check_bind(sqlite3_bind_int64(stmt_, next_index_++, number));
  return *this;
}

Query& Query::bind(TimePoint time) {
  return bind(std::int64_t{time.time_since_epoch().count()});
}

Query& Query::bind_null() {
  check_bind(sqlite3_bind_null(stmt_, next_index_++));
  return *this;
}

Result<bool> Query::step() {
  if (bind_error_) return *bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return store_error(operation_, sqlite3_errmsg(db_));
}

Result<std::int64_t> Query::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) break;
  }
  return std::int64_t{sqlite3_changes64(db_)};
}

bool Query::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Query::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Query::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::int64_t Query::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

TimePoint Query::time(int column) const {
  return TimePoint(std::chrono::milliseconds(integer(column)));
}

std::optional<TimePoint> Query::optional_time(int column) const {
  if (is_null(column)) return std::nullopt;
  return time(column);
}

// ---- Connection ----

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path) {
  if (sqlite3_threadsafe() == 0) {
    return store_error("open", "the SQLite library was built without thread support");
  }
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time, so SQLite's per-connection mutex
  // would only cost time.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = store_error("open", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  std::unique_ptr<Connection> connection(new Connection(db));
  // WAL makes NORMAL durable across application crashes (only a power loss can drop the last
  // commits), and avoids an fsync per commit.
  if (auto ok = connection->exec("PRAGMA synchronous=NORMAL", "open"); !ok) return ok.error();
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Query> Connection::query(std::string_view sql, std::string_view operation) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return store_error(operation, sqlite3_errmsg(db_));
    }
    found = statements_.emplace(std::string(sql), stmt).first;
  }
  return Query(db_, found->second, operation);
}

Result<void> Connection::exec(const char* sql, std::string_view operation) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  Error error = store_error(operation, message != nullptr ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
  return error;
}

bool Connection::in_autocommit() const {
  return sqlite3_get_autocommit(db_) != 0;
}

// ---- Transaction ----

Result<std::unique_ptr<Transaction>> Transaction::begin(Connection& connection,
                                                        std::string_view operation) {
  if (auto ok = connection.exec("BEGIN IMMEDIATE", operation); !ok) return ok.error();
  return std::unique_ptr<Transaction>(new Transaction(connection, operation));
}

Transaction::~Transaction() {
  if (!open_) return;
  // A failed rollback leaves the connection in a transaction; the pool discards such connections.
  (void)connection_.exec("ROLLBACK", operation_);
}

Result<void> Transaction::commit() {
  auto ok = connection_.exec("COMMIT", operation_);
  if (ok) open_ = false;
  return ok;
}

}  // namespace linkgate::store::sqlite
