// A single SQLite connection with its prepared-statement cache, and the small RAII helpers the
// adapter uses on it (Query for one execution of a cached statement, Transaction for BEGIN
// IMMEDIATE … COMMIT).
//
// A Connection is used by one thread at a time (it is opened with SQLITE_OPEN_NOMUTEX); the
// ConnectionPool hands each caller its own. Error messages carry SQLite's error text, which never
// includes bound values, so tokens and emails cannot leak through them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace linkgate::store::sqlite {

// Error{kind "store"} whose message names the operation and SQLite's reason.
Error store_error(std::string_view operation, std::string_view reason);

// One execution of a prepared statement. Parameters are bound in order with bind(); the statement
// is reset and its bindings cleared on destruction, so its locks are released as soon as the
// Query goes out of scope and the cached statement is ready for the next caller.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt, std::string_view operation);
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  Query& bind(std::string_view text);
  Query& bind(std::int64_t number);
  Query& bind(TimePoint time);  // as integer milliseconds since the Unix epoch
  Query& bind_null();
  template <class T>
  Query& bind(const std::optional<T>& value) {
    return value ? bind(*value) : bind_null();
  }

  // Advances to the next row: true when a row is available, false when the statement is done.
  Result<bool> step();
  // Steps until done and returns the number of rows the statement changed.
  Result<std::int64_t> run();

  // Column accessors for the current row (REQUIRES: the last step() returned true).
  bool is_null(int column) const;
  std::string text(int column) const;  // NULL reads as ""
  std::optional<std::string> optional_text(int column) const;
  std::int64_t integer(int column) const;
  TimePoint time(int column) const;
  std::optional<TimePoint> optional_time(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string_view operation_;
  int next_index_ = 1;
  std::optional<Error> bind_error_;

  void check_bind(int rc);
};

class Connection {
 public:
  // Opens `path` (creating the file when missing) with a busy timeout and synchronous=NORMAL.
  static Result<std::unique_ptr<Connection>> open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A Query on the cached statement for `sql`, preparing it on first use. `sql` is a constant of
  // the adapter; `operation` names the Store method for error messages.
  Result<Query> query(std::string_view sql, std::string_view operation);
  // Runs one or more statements without caching them (pragmas, DDL, transaction control).
  Result<void> exec(const char* sql, std::string_view operation);
  // True when no transaction is open on this connection.
  bool in_autocommit() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  // Transparent, so that looking a statement up by its SQL text does not allocate.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

// BEGIN IMMEDIATE on construction (taking the write lock up front, so a read-then-write cannot
// fail half-way with SQLITE_BUSY_SNAPSHOT); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> begin(Connection& connection,
                                                    std::string_view operation);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result<void> commit();

 private:
  Transaction(Connection& connection, std::string_view operation)
      : connection_(connection), operation_(operation) {}

  Connection& connection_;
  std::string_view operation_;
  bool open_ = true;
};

}  // namespace linkgate::store::sqlite
