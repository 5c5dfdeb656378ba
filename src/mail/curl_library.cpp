#include "mail/curl_library.hpp"

namespace linkgate::mail {

namespace {

Result<const CurlApi*> initialize() {
  static const CurlApi api{
      .easy_init = &::curl_easy_init,
      .easy_cleanup = &::curl_easy_cleanup,
      .easy_reset = &::curl_easy_reset,
      .easy_setopt = &::curl_easy_setopt,
      .easy_perform = &::curl_easy_perform,
      .easy_getinfo = &::curl_easy_getinfo,
      .easy_strerror = &::curl_easy_strerror,
      .slist_append = &::curl_slist_append,
      .slist_free_all = &::curl_slist_free_all,
      .getdate = &::curl_getdate,
      .multi_init = &::curl_multi_init,
      .multi_cleanup = &::curl_multi_cleanup,
      .multi_setopt = &::curl_multi_setopt,
      .multi_add_handle = &::curl_multi_add_handle,
      .multi_remove_handle = &::curl_multi_remove_handle,
      .multi_socket_action = &::curl_multi_socket_action,
      .multi_info_read = &::curl_multi_info_read,
      .multi_strerror = &::curl_multi_strerror,
  };
  // curl_global_init is not thread-safe: it runs here, inside the one-time initialization, before
  // any easy handle exists. Never cleaned up (see curl_api's contract).
  if (::curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Error{"unavailable", "curl_global_init failed"};
  }
  return &api;
}

}  // namespace

const Result<const CurlApi*>& curl_api() {
  // A function-local static: initialized once, by the first caller, while later callers wait.
  static const Result<const CurlApi*> initialized = initialize();
  return initialized;
}

}  // namespace linkgate::mail
