#!/usr/bin/env python3
"""Instructions per GET /api/auth/session request, counted by valgrind's callgrind: a measure of
the hot path's cost that, unlike req/s, does not move with the machine's load.

Usage: bench/session_instructions.py LINKGATE_BINARY [REQUESTS] [jwt|database]

Starts the binary under `valgrind --tool=callgrind` (dev mode, SQLite, the dev outbox), signs in
once through the outbox to get a session cookie, sends 200 warm-up requests on one keep-alive
connection, resets the counters (callgrind_control --zero), sends REQUESTS (default 2000) more,
dumps the counters, and prints the instructions (Ir) of the whole process (every thread) divided
by REQUESTS. Extra settings for the server come from the environment (e.g.
LINKGATE_METRICS_ADDR=127.0.0.1:0 to count with metrics on).
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse


def main():
    binary = os.path.abspath(sys.argv[1])
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    strategy = sys.argv[3] if len(sys.argv) > 3 else "jwt"
    work = tempfile.mkdtemp(prefix="linkgate-callgrind-")
    env = {
        "PATH": "/usr/bin:/bin",
        "PORT": "0",
        "DATABASE_URL": "sqlite://" + work + "/bench.db",
        "AUTH_SECRET": "callgrind-secret-0123456789abcdef0123456789",
        "AUTH_SESSION_STRATEGY": strategy,
        "LINKGATE_RATE_LIMITS": "off",
        "LINKGATE_LOG_LEVEL": "warn",
        "LINKGATE_IO_THREADS": "1",
    }
    if os.environ.get("LINKGATE_METRICS_ADDR"):
        env["LINKGATE_METRICS_ADDR"] = os.environ["LINKGATE_METRICS_ADDR"]
    out_file = work + "/callgrind.out"
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file + ".%p", binary,
         "serve"],
        env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        deadline = time.time() + 120
        while time.time() < deadline and port is None:
            line = server.stdout.readline()
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+) ", line)
            if match:
                port = int(match.group(1))
        if port is None:
            sys.exit("the server did not start")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        cookie = sign_in(connection)
        headers = {"Cookie": cookie}
        for _ in range(200):
            get(connection, "/api/auth/session", headers)
        subprocess.run(["callgrind_control", "--zero", str(server.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        for _ in range(requests):
            get(connection, "/api/auth/session", headers)
        subprocess.run(["callgrind_control", "--dump=measured", str(server.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        total = 0
        for name in os.listdir(work):
            if not name.startswith("callgrind.out."):
                continue
            with open(os.path.join(work, name)) as dump:
                text = dump.read()
            if not re.search(r"^desc: Trigger: .*measured", text, re.M):
                continue
            total += int(re.search(r"^(?:summary|totals): (\d+)", text, re.M).group(1))
        if total == 0:
            sys.exit("no callgrind dump of the measured requests")
        print(json.dumps({"strategy": strategy, "requests": requests, "instructions": total,
                          "per_request": round(total / requests)}))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        shutil.rmtree(work, ignore_errors=True)


def get(connection, target, headers=None):
    connection.request("GET", target, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit("GET %s answered %d" % (target, response.status))
    return response, body


# Signs in through the dev outbox as a browser would; returns the Cookie header of the session.
def sign_in(connection):
    jar = {}

    def keep(response):
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                jar[key] = val

    def cookie_header():
        return "; ".join(k + "=" + v for k, v in jar.items())

    response, body = get(connection, "/api/auth/csrf")
    keep(response)
    csrf = json.loads(body)["csrfToken"]
    form = urllib.parse.urlencode({"csrfToken": csrf, "email": "callgrind@example.com"})
    connection.request("POST", "/api/auth/signin/outbox", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header()})
    response = connection.getresponse()
    response.read()
    keep(response)
    _, body = get(connection, "/dev/outbox.json")
    url = urllib.parse.urlsplit(json.loads(body)[0]["url"])
    connection.request("GET", url.path + "?" + url.query, headers={"Cookie": cookie_header()})
    response = connection.getresponse()
    response.read()
    keep(response)
    session = {k: v for k, v in jar.items() if "session-token" in k}
    if not session:
        sys.exit("the sign-in set no session cookie")
    return "; ".join(k + "=" + v for k, v in session.items())


if __name__ == "__main__":
    main()
