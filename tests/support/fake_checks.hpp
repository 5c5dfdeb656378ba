// Small checks and answers shared by the fake provider APIs (fake_providers.hpp,
// fake_api_providers.hpp).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/fake_http_server.hpp"

namespace linkgate::testing {

std::string lower(std::string s);
std::string trim(const std::string& s);
// True when a Content-Type/Accept value is exactly the media type application/json, optionally
// with parameters such as "; charset=utf-8".
bool is_json_media_type(const std::optional<std::string>& value);
// Exactly one address: "a@b" or "Name <a@b>", no list separators.
bool is_single_address(const std::string& value);
std::string iso_now();
std::string next_id();
// Parses the body as a JSON object and checks that each field is a non-empty string; returns
// the object (or nullopt when the body is not a JSON object) and appends every miss.
std::optional<boost::json::object> parse_fields(const std::string& body,
                                                const std::vector<std::string>& required,
                                                std::vector<std::string>& misses);
// A string field of a JSON object, or "".
std::string field(const boost::json::object& object, const char* name);
FakeResponse json_response(int status, const boost::json::object& body);
// Canonical padded base64 only; "\x01invalid base64" when malformed.
std::string base64_decode(const std::string& text);

}  // namespace linkgate::testing
