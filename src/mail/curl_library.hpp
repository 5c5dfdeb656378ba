// libcurl, which the HTTP API and SMTP transports use, initialized the first time a mailer needs
// it.
//
// libcurl is linked like any shared library (so that a package's dependency scan sees it), but
// curl_global_init runs only on first use: a server with the dev outbox, an embedder's own mailer
// and `linkgate migrate` never initialize it. The functions are called through this table, which
// a caller gets only once initialization succeeded; the types and constants come from curl's
// headers.
#pragma once

#include <curl/curl.h>

#include "linkgate/result.hpp"

namespace linkgate::mail {

struct CurlApi {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_getdate) getdate;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_socket_action) multi_socket_action;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_strerror) multi_strerror;
};

// Owners of an easy handle, a multi handle and a header/recipient list, freed through the same
// table.
struct CurlEasyDeleter {
  const CurlApi* curl;
  void operator()(CURL* handle) const { curl->easy_cleanup(handle); }
};
struct CurlMultiDeleter {
  const CurlApi* curl;
  void operator()(CURLM* handle) const { curl->multi_cleanup(handle); }
};
struct CurlSlistDeleter {
  const CurlApi* curl;
  void operator()(curl_slist* list) const { curl->slist_free_all(list); }
};

// The library, initialized (curl_global_init) by the first call, on any thread; every later call
// returns the same table. Error kind "unavailable" when initialization fails (the same answer to
// every call). It is never cleaned up (curl_global_cleanup): mail may still be in flight on other
// threads while the process exits.
const Result<const CurlApi*>& curl_api();

}  // namespace linkgate::mail
