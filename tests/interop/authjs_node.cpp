#include "interop/authjs_node.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

#ifndef LINKGATE_AUTHJS_INTEROP_DIR
#error "LINKGATE_AUTHJS_INTEROP_DIR must name tests/interop/authjs (set by tests/CMakeLists.txt)"
#endif

namespace linkgate::interop {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kFixDeps =
    "run `make interop-deps` (installs node/npm if missing and runs npm ci in "
    "tests/interop/authjs)";

const fs::path kInteropDir{LINKGATE_AUTHJS_INTEROP_DIR};

// The first executable file named `node` on PATH, or nullopt.
std::optional<fs::path> find_node() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest(path);
  while (true) {
    const auto colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / "node";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

// POSIX-shell single quoting, so any path survives popen's `sh -c`.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A request file that is deleted when the object goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string name = (fs::temp_directory_path() / "linkgate-authjs-interop-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return;
    ::close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

void run_authjs_script(const std::string& script, const json::object& request, NodeRun& run) {
  const auto node = find_node();
  ASSERT_TRUE(node) << "node is not on PATH; " << kFixDeps;
  ASSERT_TRUE(fs::exists(kInteropDir / "node_modules" / "@auth" / "core" / "package.json"))
      << (kInteropDir / "node_modules").string() << " has no @auth/core; " << kFixDeps;

  const TempFile request_file(json::serialize(request));
  ASSERT_FALSE(request_file.path().empty()) << "cannot create a temporary request file";
  const std::string command = shell_quote(node->string()) + " " +
                              shell_quote((kInteropDir / script).string()) + " " +
                              shell_quote(request_file.path().string());
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr) << "popen failed: " << command;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.stdout_text.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_status = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  ASSERT_NE(run.exit_status, 3) << script << " reports missing or unpinned dependencies; "
                                << kFixDeps;
}

json::object parse_script_output(const NodeRun& run) {
  boost::system::error_code ec;
  json::value v = json::parse(run.stdout_text, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "the Auth.js script printed no JSON object: " << run.stdout_text;
    return {};
  }
  return std::move(v.as_object());
}

}  // namespace linkgate::interop
