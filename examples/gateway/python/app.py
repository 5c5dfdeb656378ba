#!/usr/bin/env python3
"""A web app that asks linkgate who the user is: Python's standard library only, no proxy.

For each request it forwards the browser's cookies to linkgate's /api/auth/verify and reads the
answer: 200 names the user in X-Auth-User-Id, X-Auth-Email and X-Auth-Name; 401 says "not signed
in" and carries the sign-in page (with a callbackUrl back here) in Location.

    LINKGATE_URL=http://127.0.0.1:3000/api/auth PORT=8000 python3 app.py

linkgate must let the sign-in come back here: this app's host in LINKGATE_REDIRECT_HOSTS, and its
address in LINKGATE_TRUSTED_PROXIES so that linkgate believes the X-Original-URL it sends. The
browser must send linkgate's session cookie here: same host (cookies ignore ports) or a shared
AUTH_COOKIE_DOMAIN. tests/gateway/ runs this file.
"""
import http.client
import http.server
import json
import os
import urllib.parse

LINKGATE = urllib.parse.urlsplit(os.environ.get("LINKGATE_URL", "http://127.0.0.1:3000/api/auth"))
PORT = int(os.environ.get("PORT", "8000"))


def verify(cookie, original_url):
    """linkgate's answer for this browser: (status, headers)."""
    connection = http.client.HTTPConnection(LINKGATE.hostname, LINKGATE.port or 80, timeout=5)
    try:
        connection.request("GET", LINKGATE.path + "/verify",
                           headers={"Cookie": cookie, "X-Original-URL": original_url})
        response = connection.getresponse()
        response.read()
        return response.status, response.msg
    finally:
        connection.close()


class App(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # Where to come back to after signing in; linkgate checks it against its redirect rules.
        here = f"http://{self.headers.get('Host', '')}{self.path}"
        try:
            status, answer = verify(self.headers.get("Cookie", ""), here)
        except OSError:
            status, answer = 503, {}
        if status == 401:
            self.send_response(302)
            self.send_header("Location", answer["Location"])
            self.end_headers()
            return
        if status != 200:
            # 403: not on this app's list; anything else: cannot tell now. Never let in.
            self.send_response(403 if status == 403 else 503)
            self.end_headers()
            return
        user = {"id": answer["X-Auth-User-Id"], "email": answer["X-Auth-Email"],
                "name": answer.get("X-Auth-Name")}
        body = json.dumps({"path": self.path, "user": user}).encode()
        self.send_response(200)
        # A session the check renewed: hand its cookie on, so the browser keeps sliding.
        for cookie in answer.get_all("Set-Cookie") or []:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    http.server.ThreadingHTTPServer(("127.0.0.1", PORT), App).serve_forever()
