// One function per Auth.js endpoint (authjs-behaviour.md §1). Each takes the initialised
// request context and returns the full response, cookies included.
#pragma once

#include "core/context.hpp"
#include "linkgate/http.hpp"

namespace linkgate::core::actions {

Response signin_page(Context& ctx);     // GET  /signin
Response signin_email(Context& ctx);    // POST /signin/:provider
Response verify_request(Context& ctx);  // GET  /verify-request
Response callback(Context& ctx);        // GET|POST|HEAD /callback/:provider
Response session(Context& ctx);         // GET|POST /session
// Any method on /verify (not an Auth.js endpoint): the session check of a reverse proxy's
// auth_request / forward auth; reads the store in database mode, like session().
Response verify(Context& ctx);
Response csrf(Context& ctx);          // GET  /csrf
Response providers(Context& ctx);     // GET  /providers
Response signout_page(Context& ctx);  // GET  /signout
Response signout(Context& ctx);       // POST /signout
Response error_page(Context& ctx);    // GET  /error
// GET / (not an Auth.js endpoint): the development home page; the router serves it only while
// the dev outbox is on. Reads the store in database mode, like session().
Response home_page(Context& ctx);

// The redirect to the verify-request page after an email was sent, with the init cookies. Every
// answer that must look like a sent email uses it, so they stay identical. Carries `identifier`
// when one-time codes are on (the code form is then filled in).
Response verify_request_redirect(const Context& ctx, const std::string& provider_id,
                                 const std::string& identifier);

}  // namespace linkgate::core::actions
