#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

namespace linkgate::testing {

namespace {
std::mutex temp_dirs_mutex;
std::vector<std::filesystem::path>* temp_dirs = nullptr;

void remove_temp_dirs() {
  std::lock_guard lock(temp_dirs_mutex);
  if (temp_dirs == nullptr) return;
  for (const auto& dir : *temp_dirs) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}
}  // namespace

std::string linkgate_binary() {
  const char* path = std::getenv("LINKGATE_BINARY");
  if (path != nullptr && *path != '\0') return path;
  return LINKGATE_DEFAULT_BINARY;
}

std::string source_dir() {
  return LINKGATE_TEST_SOURCE_DIR;
}

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "linkgate-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return "";
  }
  std::lock_guard lock(temp_dirs_mutex);
  if (temp_dirs == nullptr) {
    temp_dirs = new std::vector<std::filesystem::path>();
    std::atexit(remove_temp_dirs);
  }
  temp_dirs->push_back(pattern);
  return pattern;
}

}  // namespace linkgate::testing
