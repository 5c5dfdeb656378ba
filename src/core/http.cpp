#include "linkgate/http.hpp"

#include <algorithm>

namespace linkgate {

// ASCII only, whatever the process locale (std::tolower would follow it).
bool header_name_equals(std::string_view a, std::string_view b) {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

namespace {

std::optional<std::string_view> find_header(const std::vector<Header>& headers,
                                            std::string_view name) {
  for (const auto& h : headers) {
    if (header_name_equals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  return find_header(headers, name);
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  return find_header(headers, name);
}

void Response::set_header(std::string name, std::string value) {
  std::erase_if(headers, [&](const Header& h) { return header_name_equals(h.name, name); });
  headers.push_back({std::move(name), std::move(value)});
}

void Response::add_header(std::string name, std::string value) {
  headers.push_back({std::move(name), std::move(value)});
}

}  // namespace linkgate
