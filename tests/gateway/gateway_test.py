#!/usr/bin/env python3
"""linkgate behind a real reverse proxy (issue 17), run by CTest.

    gateway_test.py nginx|caddy

Starts, on free loopback ports in a temporary directory: linkgate (LINKGATE_BINARY), an upstream
app that echoes the headers it got, and Debian's nginx or caddy running the example config of
examples/gateway/ as it is (only its ports replaced), then drives a browser's flow through the
proxy with a cookie jar: redirected to sign in, signed in through the dev outbox, back on the page
first asked for with the user in X-Auth-* headers, forged X-Auth-* headers never reaching the app,
?allow= refusing others, sign-out, and the session sliding while only the app is visited. Both
session strategies. Everything it started is stopped afterwards, also on failure.
"""
import email.utils
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

SOURCE_DIR = os.environ.get(
    "LINKGATE_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(SOURCE_DIR, "examples", "gateway")
BINARY = os.environ.get("LINKGATE_BINARY", "linkgate")
# nginx or caddy in front of the app, or "python": examples/gateway/python/app.py asking linkgate
# itself, with no proxy.
PROXY = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in ("nginx", "caddy", "python") \
    else "nginx"
# The ports the examples are written with, replaced by free ones.
EXAMPLE_PORTS = {"proxy": 8080, "linkgate": 3000, "app": 8000}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def render_example(name, ports):
    """The example file with only its port numbers replaced (each must occur)."""
    with open(os.path.join(EXAMPLES, name)) as f:
        text = f.read()
    for role, example_port in EXAMPLE_PORTS.items():
        needle = f"127.0.0.1:{example_port}"
        if needle in text:
            text = text.replace(needle, f"127.0.0.1:{ports[role]}")
    return text


class EchoApp(http.server.ThreadingHTTPServer):
    """The protected app: answers every request with the path and headers it received."""

    def __init__(self, port):
        self.seen = []  # (path, {lower-case header name: [values]})
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), EchoHandler)


class EchoHandler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        with self.server.lock:
            self.server.seen.append((self.path, headers))
        body = json.dumps({"path": self.path, "headers": headers}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = answer

    def log_message(self, *args):
        pass


class Browser:
    """A browser's cookie jar over http.client, following no redirects. Paths go to `port`;
    absolute URLs must stay on 127.0.0.1 (whose cookies, like a browser's, ignore the port)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}  # name -> (value, expires as a Unix time or None)

    def request(self, method, target, body=None, headers=None):
        port = self.port
        if target.startswith("http"):
            url = urllib.parse.urlsplit(target)
            assert url.hostname == "127.0.0.1", f"left the site: {target}"
            port = url.port
            target = url.path + (f"?{url.query}" if url.query else "")
        all_headers = dict(headers or {})
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{n}={v}" for n, (v, _) in self.cookies.items())
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(body)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(method, target, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            self.store(header)
        return response.status, response.msg, data

    def store(self, header):
        parts = [p.strip() for p in header.split(";")]
        name, _, value = parts[0].partition("=")
        assert name and "{" not in header, f"a broken Set-Cookie reached the browser: {header}"
        expires = None
        removed = value == ""
        for attribute in parts[1:]:
            key, _, val = attribute.partition("=")
            if key.lower() == "max-age" and val == "0":
                removed = True
            elif key.lower() == "expires":
                expires = email.utils.parsedate_to_datetime(val).timestamp()
        if removed:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = (value, expires)

    def get(self, target, headers=None):
        return self.request("GET", target, headers=headers)

    def post(self, target, fields):
        return self.request("POST", target, body=fields)


class Deployment:
    """linkgate + the echo app + the proxy running the example, in one temporary directory."""

    def __init__(self, strategy, extra_env=None):
        self.dir = tempfile.mkdtemp(prefix=f"linkgate-gateway-{PROXY}-")
        self.ports = {role: free_port() for role in EXAMPLE_PORTS}
        # Where the browser goes: the proxy, or (no proxy) the Python example app.
        front = "app" if PROXY == "python" else "proxy"
        self.front_port = self.ports[front]
        self.origin = f"http://127.0.0.1:{self.front_port}"
        # linkgate's public URL: behind the proxy, or on its own port.
        self.linkgate_origin = (f"http://127.0.0.1:{self.ports['linkgate']}" if PROXY == "python"
                                else self.origin)
        self.processes = []
        self.app = None
        try:
            if PROXY == "python":
                self.start_linkgate(strategy, extra_env or {})
                self.start_python_example()
            else:
                self.start_app()
                self.start_linkgate(strategy, extra_env or {})
                self.start_proxy()
        except BaseException:
            self.stop()
            raise

    def start_app(self):
        self.app = EchoApp(self.ports["app"])
        threading.Thread(target=self.app.serve_forever, daemon=True).start()

    def spawn(self, what, argv, env, port):
        with open(os.path.join(self.dir, f"{what}.log"), "wb") as log:
            process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       cwd=self.dir, start_new_session=True)
        self.processes.append((what, process))
        wait_for_port(port, process, what)
        return process

    def start_linkgate(self, strategy, extra_env):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.dir,
            "HOST": "127.0.0.1",
            "PORT": str(self.ports["linkgate"]),
            "DATABASE_URL": f"sqlite://{self.dir}/linkgate.db",
            "AUTH_SECRET": "gateway-test-secret-0123456789abcdef",
            "AUTH_URL": f"{self.linkgate_origin}/api/auth",
            "AUTH_SESSION_STRATEGY": strategy,
            "LINKGATE_TRUSTED_PROXIES": "127.0.0.1",
            "LINKGATE_RATE_LIMITS": "off",
            "LINKGATE_IO_THREADS": "1",
        }
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            if name in os.environ:
                env[name] = os.environ[name]
        if PROXY == "python":
            # The example app is another port on the same host: a callbackUrl may go there.
            env["LINKGATE_REDIRECT_HOSTS"] = "127.0.0.1"
        env.update(extra_env)
        self.spawn("linkgate", [BINARY, "serve"], env, self.ports["linkgate"])

    def start_python_example(self):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORT": str(self.ports["app"]),
               "LINKGATE_URL": f"{self.linkgate_origin}/api/auth"}
        self.spawn("python-example", [sys.executable, os.path.join(EXAMPLES, "python", "app.py")],
                   env, self.ports["app"])

    def start_proxy(self):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
               "XDG_DATA_HOME": self.dir, "XDG_CONFIG_HOME": self.dir}
        if PROXY == "nginx":
            conf = os.path.join(self.dir, "conf")
            os.makedirs(conf)
            for name in ("nginx.conf", "linkgate_user.conf"):
                with open(os.path.join(conf, "site.conf" if name == "nginx.conf" else name),
                          "w") as f:
                    f.write(render_example(name, self.ports))
            # The wrapper a distribution's /etc/nginx/nginx.conf would be: this run's own paths.
            with open(os.path.join(conf, "main.conf"), "w") as f:
                f.write(f"""daemon off;
master_process off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/nginx-error.log info;
events {{ worker_connections 128; }}
http {{
    access_log {self.dir}/nginx-access.log;
    client_body_temp_path {self.dir}/client_body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    include site.conf;
}}
""")
            argv = ["nginx", "-p", self.dir, "-e", f"{self.dir}/nginx-error.log",
                    "-c", os.path.join(conf, "main.conf")]
        else:
            caddyfile = os.path.join(self.dir, "Caddyfile")
            shutil.copy(os.path.join(EXAMPLES, "Caddyfile"), caddyfile)
            env.update({"SITE_ADDRESS": f"http://127.0.0.1:{self.ports['proxy']}",
                        "LINKGATE_UPSTREAM": f"127.0.0.1:{self.ports['linkgate']}",
                        "APP_UPSTREAM": f"127.0.0.1:{self.ports['app']}",
                        "CADDY_ADMIN": "off"})
            argv = ["caddy", "run", "--config", caddyfile, "--adapter", "caddyfile"]
        self.spawn(PROXY, argv, env, self.ports["proxy"])

    def logs(self):
        text = []
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".log"):
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    text.append(f"--- {name}\n{f.read()[-4000:]}")
        return "\n".join(text)

    def newest_link(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.ports["linkgate"], timeout=10)
        connection.request("GET", "/dev/outbox.json")
        messages = json.loads(connection.getresponse().read())
        connection.close()
        assert messages, "the outbox is empty"
        return messages[0]["url"]

    def stop(self):
        for what, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.processes = []
        if self.app is not None:
            self.app.shutdown()
            self.app.server_close()
            self.app = None
        shutil.rmtree(self.dir, ignore_errors=True)


SESSION_COOKIE = "authjs.session-token"


class GatewaySetup:
    """A deployment and a browser for one session strategy (the subclasses below)."""

    strategy = None
    extra_env = {}

    def setUp(self):
        # A free port can be taken by another test between free_port() and the server's bind:
        # then start again on new ports.
        for attempt in range(3):
            try:
                self.deployment = Deployment(self.strategy, self.extra_env)
                break
            except (RuntimeError, OSError):
                if attempt == 2:
                    raise
        self.addCleanup(self.deployment.stop)
        self.browser = Browser(self.deployment.front_port)

    def assertRedirectedToSignIn(self, target):
        status, headers, _ = self.browser.get(target)
        self.assertEqual(status, 302, self.deployment.logs())
        location = headers["Location"]
        signin = f"{self.deployment.linkgate_origin}/api/auth/signin?callbackUrl="
        self.assertTrue(location.startswith(signin), location)
        self.assertEqual(urllib.parse.unquote(location[len(signin):]),
                         self.deployment.origin + target)
        return location

    def sign_in(self, email, target):
        signin_page = self.assertRedirectedToSignIn(target)
        status, _, _ = self.browser.get(signin_page)
        self.assertEqual(status, 200)
        linkgate = self.deployment.linkgate_origin
        status, _, body = self.browser.get(f"{linkgate}/api/auth/csrf")
        csrf = json.loads(body)["csrfToken"]
        status, headers, _ = self.browser.post(f"{linkgate}/api/auth/signin/outbox",
                                               {"csrfToken": csrf, "email": email})
        self.assertEqual(status, 302, headers)
        self.assertIn("/api/auth/verify-request", headers["Location"])
        # The link in the email, then every redirect, through the proxy.
        location = self.deployment.newest_link()
        for _ in range(5):
            status, headers, body = self.browser.get(location)
            if status != 302:
                break
            location = headers["Location"]
        self.assertEqual(status, 200, body)
        self.assertIn(SESSION_COOKIE, self.browser.cookies)
        return json.loads(body)

    def app_request(self, target, headers=None):
        status, _, body = self.browser.get(target, headers)
        self.assertEqual(status, 200, self.deployment.logs())
        echoed = json.loads(body)
        self.assertNotIn("set-cookie", echoed["headers"])
        return echoed


class GatewayFlow(GatewaySetup):
    """The browser's flow through the proxy."""

    def test_sign_in_through_the_proxy_and_out_again(self):
        # Not signed in: to the sign-in page, and the app never sees the request.
        self.assertRedirectedToSignIn("/app/page?x=1&y=two")
        self.assertEqual(self.deployment.app.seen, [])

        echoed = self.sign_in("jane@example.com", "/app/page?x=1&y=two")
        # Back on the page first asked for, the user in headers.
        self.assertEqual(echoed["path"], "/app/page?x=1&y=two")
        self.assertEqual(echoed["headers"]["x-auth-email"], ["jane@example.com"])
        self.assertEqual(len(echoed["headers"]["x-auth-user-id"]), 1)
        self.assertNotIn("x-auth-name", echoed["headers"])

        # Forged identity headers are replaced, signed in or not.
        forged = {"X-Auth-Email": "boss@example.com", "X-Auth-User-Id": "1",
                  "X-Auth-Name": "The Boss"}
        echoed = self.app_request("/app/other", forged)
        self.assertEqual(echoed["headers"]["x-auth-email"], ["jane@example.com"])
        self.assertNotEqual(echoed["headers"]["x-auth-user-id"], ["1"])
        self.assertNotIn("x-auth-name", echoed["headers"])

        if self.strategy == "database":
            # A name, once the user has one (a JWT carries the name it was issued with).
            with sqlite3.connect(os.path.join(self.deployment.dir, "linkgate.db")) as db:
                db.execute("UPDATE users SET name = 'Jane Doe'")
            echoed = self.app_request("/app/named", forged)
            self.assertEqual(echoed["headers"]["x-auth-name"], ["Jane Doe"])

        # Sign out: redirected again, even with forged headers.
        linkgate = self.deployment.linkgate_origin
        status, _, body = self.browser.get(f"{linkgate}/api/auth/csrf")
        csrf = json.loads(body)["csrfToken"]
        status, _, _ = self.browser.post(f"{linkgate}/api/auth/signout", {"csrfToken": csrf})
        self.assertEqual(status, 302)
        self.assertNotIn(SESSION_COOKIE, self.browser.cookies)
        self.assertRedirectedToSignIn("/app/other")
        status, _, _ = self.browser.get("/app/other", forged)
        self.assertEqual(status, 302)
        for _, headers in self.deployment.app.seen:
            self.assertNotIn("boss@example.com", headers.get("x-auth-email", []))

    def test_allow_lists_refuse_other_users(self):
        self.sign_in("jane@example.com", "/app/")
        status, _, _ = self.browser.get("/admin/")
        self.assertEqual(status, 403)
        self.assertFalse(any(path.startswith("/admin") for path, _ in self.deployment.app.seen))
        # Someone on the list gets in.
        self.browser = Browser(self.deployment.front_port)
        echoed = self.sign_in("admin@example.com", "/admin/users")
        self.assertEqual(echoed["path"], "/admin/users")
        self.assertEqual(echoed["headers"]["x-auth-email"], ["admin@example.com"])

    def test_a_forged_session_cookie_gets_nobody_in(self):
        self.browser.cookies[SESSION_COOKIE] = ("forged-session-value", None)
        self.assertRedirectedToSignIn("/app/")
        self.assertEqual(self.deployment.app.seen, [])


class Sliding(GatewaySetup):
    """With a one-second updateAge, visiting only the app keeps pushing the cookie's expiry."""

    extra_env = {"AUTH_SESSION_UPDATE_AGE": "1", "AUTH_SESSION_MAX_AGE": "3600"}

    def test_the_cookie_slides_while_only_the_app_is_visited(self):
        self.sign_in("slide@example.com", "/app/")
        _, first = self.browser.cookies[SESSION_COOKIE]
        self.assertIsNotNone(first)
        time.sleep(2.2)
        self.app_request("/app/again")
        _, second = self.browser.cookies[SESSION_COOKIE]
        self.assertGreaterEqual(second - first, 2)
        time.sleep(1.2)
        self.app_request("/app/once-more")
        _, third = self.browser.cookies[SESSION_COOKIE]
        self.assertGreater(third, second)


class PythonExample(GatewaySetup):
    """examples/gateway/python/app.py: the app asks linkgate itself."""

    def test_the_app_asks_linkgate_who_the_user_is(self):
        self.assertRedirectedToSignIn("/page?x=1")
        answer = self.sign_in("jane@example.com", "/page?x=1")
        self.assertEqual(answer["path"], "/page?x=1")
        self.assertEqual(answer["user"]["email"], "jane@example.com")
        self.assertTrue(answer["user"]["id"])
        # Forged identity headers mean nothing to it.
        status, _, body = self.browser.get("/page", {"X-Auth-Email": "boss@example.com"})
        self.assertEqual(json.loads(body)["user"]["email"], "jane@example.com")
        del self.browser.cookies[SESSION_COOKIE]
        self.assertRedirectedToSignIn("/page")


class DocsShowTheTestedFiles(unittest.TestCase):
    """docs/gateway.md shows each example config as it is in examples/gateway/."""

    def test_each_config_in_the_docs_is_the_file(self):
        with open(os.path.join(SOURCE_DIR, "docs", "gateway.md")) as f:
            docs = f.read()
        for name in ("nginx.conf", "linkgate_user.conf", "Caddyfile", "traefik/dynamic.yml"):
            with open(os.path.join(EXAMPLES, name)) as f:
                text = f.read()
            shown = f"`examples/gateway/{name}`:\n\n```"
            self.assertIn(shown, docs, name)
            start = docs.index("\n", docs.index(shown) + len(shown)) + 1
            self.assertEqual(docs[start:docs.index("```", start)], text, name)


if PROXY == "python":
    class PythonExampleDatabase(PythonExample, unittest.TestCase):
        strategy = "database"

    class PythonExampleJwt(PythonExample, unittest.TestCase):
        strategy = "jwt"
else:
    class DatabaseSessions(GatewayFlow, unittest.TestCase):
        strategy = "database"


    class JwtSessions(GatewayFlow, unittest.TestCase):
        strategy = "jwt"

    class SlidingDatabaseSession(Sliding, unittest.TestCase):
        strategy = "database"

    class SlidingJwt(Sliding, unittest.TestCase):
        strategy = "jwt"


if __name__ == "__main__":
    unittest.main(verbosity=2)
