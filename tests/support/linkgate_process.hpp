// Runs the built linkgate binary as a child process for integration tests: a clean environment
// (only what the test gives, plus PATH and HOME), its own temporary working directory, PORT=0,
// and a wait for the "listening on" line that tells the port.
#pragma once

#include <sys/types.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace linkgate::testing {

class LinkgateProcess {
 public:
  // Starts `linkgate serve` and waits up to 20 s until it listens. On failure, failed() is true
  // and logs() says why.
  explicit LinkgateProcess(std::map<std::string, std::string> env, std::string working_dir = "");
  // The same for another program that prints the same "listening on http://127.0.0.1:<port> "
  // line (e.g. examples/embed), run as `binary args...`.
  LinkgateProcess(std::string binary, std::vector<std::string> args,
                  std::map<std::string, std::string> env, std::string working_dir = "");
  ~LinkgateProcess();
  LinkgateProcess(const LinkgateProcess&) = delete;
  LinkgateProcess& operator=(const LinkgateProcess&) = delete;

  bool failed() const { return port_ == 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string host() const { return "127.0.0.1"; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& working_dir() const { return working_dir_; }
  // Everything the server wrote to stderr so far (its logs).
  std::string logs() const;
  // True while the child has not exited (once it has, stop() returns its exit status).
  bool running();
  // Sends SIGTERM (unless the child already exited) and waits; returns the exit status (or -1).
  int stop();

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;  // set once running() saw the child exit
  int stdout_fd_ = -1;              // kept open so the child never gets SIGPIPE on stdout
  int port_ = 0;
  std::string working_dir_;
  std::string log_path_;
  std::string startup_output_;
};

}  // namespace linkgate::testing
