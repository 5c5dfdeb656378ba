#include "support/linkgate_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "support/test_env.hpp"

namespace linkgate::testing {

namespace {

// In a sanitized build (make test-sanitize) the child reports into its log, which no test reads
// unless it fails: a report there fails the test that ran the server. LeakSanitizer reports only
// when the child exits, so this runs after stop() has reaped it.
void fail_on_sanitizer_report(const std::string& logs) {
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                             "SUMMARY: UndefinedBehaviorSanitizer", "runtime error: "}) {
    if (const auto pos = logs.find(marker); pos != std::string::npos) {
      ADD_FAILURE() << "the linkgate child process reported a sanitizer error:\n"
                    << logs.substr(pos, 6000);
      return;
    }
  }
}

}  // namespace

LinkgateProcess::LinkgateProcess(std::map<std::string, std::string> env, std::string working_dir)
    : LinkgateProcess(linkgate_binary(), {"serve"}, std::move(env), std::move(working_dir)) {}

LinkgateProcess::LinkgateProcess(std::string binary, std::vector<std::string> args,
                                 std::map<std::string, std::string> env, std::string working_dir)
    : working_dir_(working_dir.empty() ? make_temp_dir() : std::move(working_dir)) {
  log_path_ =
      working_dir_ + "/linkgate-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".log";
  env.try_emplace("PORT", "0");
  env.try_emplace("HOST", "127.0.0.1");
  env.try_emplace("LINKGATE_IO_THREADS", "2");
  env.try_emplace("LINKGATE_WORKERS", "8");
  if (const char* path = std::getenv("PATH")) env.try_emplace("PATH", path);
  if (const char* home = std::getenv("HOME")) env.try_emplace("HOME", home);
  // Sanitizer settings pass through so a sanitized build reports from the child too.
  // So does DATABASE_PREPARED_STATEMENTS, which the PgBouncer rerun of the tests sets.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "DATABASE_PREPARED_STATEMENTS"}) {
    if (const char* v = std::getenv(name)) env.try_emplace(name, v);
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  // Built before fork(): the child only calls async-signal-safe functions.
  std::vector<std::string> arg_strings{binary};
  arg_strings.insert(arg_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : arg_strings) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  if (pipe(out_pipe) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out_pipe[1], STDOUT_FILENO);
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    close(out_pipe[0]);
    if (chdir(working_dir_.c_str()) != 0) _exit(126);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string output;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out_pipe[0], POLLIN, 0};
    int ready = poll(&pfd, 1, 200);
    if (ready > 0) {
      char buffer[512];
      ssize_t n = read(out_pipe[0], buffer, sizeof buffer);
      if (n <= 0) break;
      output.append(buffer, static_cast<std::size_t>(n));
      const std::string marker = "listening on http://127.0.0.1:";
      auto pos = output.find(marker);
      if (pos != std::string::npos && output.find(' ', pos + marker.size()) != std::string::npos) {
        port_ = std::atoi(output.c_str() + pos + marker.size());
        break;
      }
    }
  }
  startup_output_ = output;
  stdout_fd_ = out_pipe[0];
}

LinkgateProcess::~LinkgateProcess() {
  stop();
}

std::string LinkgateProcess::logs() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return startup_output_ + text.str();
}

bool LinkgateProcess::running() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return false;
}

int LinkgateProcess::stop() {
  if (stdout_fd_ >= 0 && pid_ <= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
  if (pid_ <= 0) return -1;
  int status = 0;
  int result = exit_status_.value_or(-1);
  bool exited = exit_status_.has_value();
  if (!exited) kill(pid_, SIGTERM);
  for (int i = 0; i < 100 && !exited; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited = true;
      result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    } else {
      usleep(50 * 1000);
    }
  }
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  close(stdout_fd_);
  stdout_fd_ = -1;
  fail_on_sanitizer_report(logs());
  return result;
}

}  // namespace linkgate::testing
