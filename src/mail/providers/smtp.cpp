// SMTP through libcurl's SMTP support (SPEC P3). The message text is ours (mime.hpp); libcurl
// speaks the protocol: EHLO, STARTTLS (CURLUSESSL_TRY: used whenever offered), AUTH with a
// mechanism the server offers, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT.
#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <memory>
#include <string>
#include <utility>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "mail/address.hpp"
#include "mail/curl_library.hpp"
#include "mail/mime.hpp"
#include "mail/provider_error.hpp"
#include "mail/smtp.hpp"

namespace linkgate::mail {

namespace {

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::copy_n(upload->data.data() + upload->offset, n, buffer);
  upload->offset += n;
  return n;
}

// Keeps the server's last failure reply (what curl receives as "header" data in SMTP). Only
// incoming data is looked at: outgoing lines carry the AUTH credentials.
int keep_last_reply(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* last = static_cast<std::string*>(user);
  std::string_view line(data, size);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  // Only failure replies (4xx, 5xx) explain an error; the closing "221 Bye" would hide them.
  if (!line.empty() && (line.front() == '4' || line.front() == '5')) {
    last->assign(line.substr(0, 300));
  }
  return 0;
}

// A refused or dropped connection or a timeout may pass; a TLS or AUTH failure will not.
bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return true;
    default:
      return false;
  }
}

class SmtpTransport final : public Transport {
 public:
  SmtpTransport(SmtpOptions options, SmtpServer server)
      : options_(std::move(options)), server_(std::move(server)) {
    url_ = std::string(server_.implicit_tls ? "smtps://" : "smtp://") + server_.host + ":" +
           std::to_string(server_.port);
    if (!server_.user.empty()) {
      // The user name itself is not scrubbed: a short one would blank out common words.
      credentials_ = {crypto::base64_encode(server_.user), crypto::base64_encode(server_.password),
                      crypto::base64_encode(std::string(1, '\0') + server_.user +
                                            std::string(1, '\0') + server_.password)};
    }
  }

  const std::string& id() const override { return id_; }

  TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) override {
    if (time_left <= std::chrono::milliseconds(0)) {
      return permanent_failure("smtp: no time left for another try");
    }
    // No CR/LF can reach the envelope or the headers: both come from parse_mailbox.
    auto from = parse_mailbox(message.from);
    if (!from) return permanent_failure("smtp: the From is invalid: " + from.error().message);
    auto to = parse_mailbox(message.to);
    if (!to) return permanent_failure("smtp: the recipient is invalid: " + to.error().message);
    const std::string unique = crypto::random_hex(16);
    auto text = build_mime_message(message, std::chrono::system_clock::now(), unique);
    if (!text) return permanent_failure("smtp: " + text.error().message);
    const auto& api = curl_api();
    if (!api) return permanent_failure("smtp: " + api.error().message);
    const CurlApi& curl = **api;

    std::unique_ptr<CURL, CurlEasyDeleter> easy(curl.easy_init(), CurlEasyDeleter{&curl});
    if (!easy) return permanent_failure("smtp: curl_easy_init failed");
    std::unique_ptr<curl_slist, CurlSlistDeleter> recipients(
        curl.slist_append(nullptr, ("<" + to->address + ">").c_str()), CurlSlistDeleter{&curl});
    if (!recipients) return permanent_failure("smtp: out of memory");

    const auto total = std::min(options_.total_timeout, time_left);
    const auto connect = std::min(options_.connect_timeout, total);
    Upload upload{*text};
    std::string last_reply;
    char error_text[CURL_ERROR_SIZE] = {0};
    const std::string mail_from = "<" + from->address + ">";
    CURL* h = easy.get();
    curl.easy_setopt(h, CURLOPT_URL, url_.c_str());
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    if (!options_.ca_file.empty()) curl.easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!server_.user.empty()) {
      curl.easy_setopt(h, CURLOPT_USERNAME, server_.user.c_str());
      curl.easy_setopt(h, CURLOPT_PASSWORD, server_.password.c_str());
    }
    curl.easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl.easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl.easy_setopt(h, CURLOPT_READFUNCTION, &read_upload);
    curl.easy_setopt(h, CURLOPT_READDATA, &upload);
    curl.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text->size()));
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
    curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
    curl.easy_setopt(h, CURLOPT_VERBOSE, 1L);  // feeds keep_last_reply; nothing is printed
    curl.easy_setopt(h, CURLOPT_DEBUGFUNCTION, &keep_last_reply);
    curl.easy_setopt(h, CURLOPT_DEBUGDATA, &last_reply);

    const CURLcode code = curl.easy_perform(h);
    if (code == CURLE_OK) return {};

    long reply_code = 0;
    curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply_code);
    std::string detail = error_text[0] != '\0' ? error_text : curl.easy_strerror(code);
    if (!last_reply.empty()) detail += " (server said: " + last_reply + ")";
    const bool retryable = reply_code >= 400 ? reply_code < 500 : is_transient(code);
    const auto secrets = secrets_for(message, server_.password, credentials_);
    return TryOutcome{
        SendFailure{provider_transport_error(id_, Error{"unavailable", detail}, secrets), retryable,
                    std::nullopt}};
  }

 private:
  const std::string id_ = "smtp";
  SmtpOptions options_;
  SmtpServer server_;
  std::string url_;                       // without the credentials
  std::vector<std::string> credentials_;  // the AUTH encodings, for scrubbing
};

}  // namespace

Result<SmtpServer> parse_smtp_url(std::string_view text) {
  auto bad = [](const std::string& what) {
    return Error{"configuration",
                 "EMAIL_SERVER must look like smtp://user:password@host:587 or "
                 "smtps://user:password@host:465 (" +
                     what + ")"};
  };
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return bad("not a URL");
  const boost::urls::url_view url = *parsed;
  SmtpServer server;
  const std::string scheme(url.scheme());
  if (scheme == "smtps") {
    server.implicit_tls = true;
    server.port = 465;
  } else if (scheme != "smtp") {
    return bad("the scheme must be smtp or smtps");
  }
  server.host = std::string(url.encoded_host());
  if (server.host.empty()) return bad("no host");
  if (url.has_port()) {
    const auto port = url.port_number();
    if (port == 0) return bad("bad port");
    server.port = port;
  }
  if (url.has_query() || url.has_fragment()) return bad("options in the URL are not supported");
  const std::string path(url.encoded_path());
  if (!path.empty() && path != "/") return bad("a path is not supported");
  if (url.has_userinfo()) {
    server.user = url.user();
    server.password = url.password();
  }
  if (server.user.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
      server.password.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return bad("control characters in the user or password");
  }
  return server;
}

Result<std::shared_ptr<Transport>> make_smtp_transport(SmtpOptions options) {
  auto server = parse_smtp_url(options.server_url);
  if (!server) return server.error();
  std::shared_ptr<Transport> transport =
      std::make_shared<SmtpTransport>(std::move(options), std::move(*server));
  return transport;
}

}  // namespace linkgate::mail
