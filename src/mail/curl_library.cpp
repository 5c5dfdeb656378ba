#include "mail/curl_library.hpp"

#include <dlfcn.h>

#include <string>

namespace linkgate::mail {

namespace {

// The soname of libcurl's ABI 4 (every libcurl since 7.16), the library the build compiled for.
constexpr const char* kLibraryName = "libcurl.so.4";

// Sets `function` to the library's `name`; the first name not found goes into `missing`.
template <class Function>
void resolve(void* library, const char* name, Function& function, std::string& missing) {
  function = reinterpret_cast<Function>(dlsym(library, name));
  if (function == nullptr && missing.empty()) missing = name;
}

Result<const CurlApi*> load() {
  void* library = dlopen(kLibraryName, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = dlerror();
    return Error{"unavailable", std::string("cannot load ") + kLibraryName + ": " +
                                    (reason != nullptr ? reason : "unknown error") +
                                    " (install Debian's libcurl4 package)"};
  }
  static CurlApi api;
  std::string missing;
  resolve(library, "curl_easy_init", api.easy_init, missing);
  resolve(library, "curl_easy_cleanup", api.easy_cleanup, missing);
  resolve(library, "curl_easy_reset", api.easy_reset, missing);
  resolve(library, "curl_easy_setopt", api.easy_setopt, missing);
  resolve(library, "curl_easy_perform", api.easy_perform, missing);
  resolve(library, "curl_easy_getinfo", api.easy_getinfo, missing);
  resolve(library, "curl_easy_strerror", api.easy_strerror, missing);
  resolve(library, "curl_slist_append", api.slist_append, missing);
  resolve(library, "curl_slist_free_all", api.slist_free_all, missing);
  resolve(library, "curl_getdate", api.getdate, missing);
  resolve(library, "curl_multi_init", api.multi_init, missing);
  resolve(library, "curl_multi_cleanup", api.multi_cleanup, missing);
  resolve(library, "curl_multi_setopt", api.multi_setopt, missing);
  resolve(library, "curl_multi_add_handle", api.multi_add_handle, missing);
  resolve(library, "curl_multi_remove_handle", api.multi_remove_handle, missing);
  resolve(library, "curl_multi_socket_action", api.multi_socket_action, missing);
  resolve(library, "curl_multi_info_read", api.multi_info_read, missing);
  resolve(library, "curl_multi_strerror", api.multi_strerror, missing);
  using GlobalInit = decltype(&::curl_global_init);
  GlobalInit global_init = nullptr;
  resolve(library, "curl_global_init", global_init, missing);
  if (!missing.empty()) {
    return Error{"unavailable", std::string(kLibraryName) + " has no " + missing};
  }
  // curl_global_init is not thread-safe: it runs here, inside the one-time initialization, before
  // any easy handle exists. Never cleaned up (see curl_api's contract).
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Error{"unavailable", "curl_global_init failed"};
  }
  return static_cast<const CurlApi*>(&api);
}

}  // namespace

const Result<const CurlApi*>& curl_api() {
  // A function-local static: initialized once, by the first caller, while later callers wait.
  static const Result<const CurlApi*> loaded = load();
  return loaded;
}

}  // namespace linkgate::mail
