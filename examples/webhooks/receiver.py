"""A linkgate webhook receiver in Python, standard library only (docs/webhooks.md).

    LINKGATE_WEBHOOK_SECRET=whsec_... python3 receiver.py [port]

Checks each delivery's Standard Webhooks signature against its secret(s) (space-separated, as in
linkgate's setting), refuses a timestamp more than 5 minutes off, handles each webhook-id once,
and answers 204; a delivery that does not verify gets 400 (linkgate retries it, then keeps it as
failed). In production keep the ids seen in your database (a unique key on webhook-id), and
answer quickly: do slow work after answering.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEYS = [base64.b64decode(secret.removeprefix("whsec_"))
        for secret in os.environ["LINKGATE_WEBHOOK_SECRET"].split()]
TOLERANCE_SECONDS = 5 * 60
SEEN = set()  # use a table keyed by webhook-id in production


def verify(msg_id, timestamp, body, signature_header):
    """True when one of the header's v1 signatures is ours for this id, timestamp and body."""
    if not msg_id or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = [base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
                for key in KEYS]
    for signature in signature_header.split():
        version, _, value = signature.partition(",")
        if version == "v1" and any(hmac.compare_digest(value, e) for e in expected):
            return True
    return False


def handle(event_type, data):
    """Your app's work for one event."""
    print(event_type, json.dumps(data), flush=True)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(min(length, 1 << 20))
        msg_id = self.headers.get("webhook-id", "")
        if not verify(msg_id, self.headers.get("webhook-timestamp", ""), body,
                      self.headers.get("webhook-signature", "")):
            self.send_response(400)
            self.end_headers()
            return
        if msg_id not in SEEN:  # a retry of an event already handled is answered, not redone
            SEEN.add(msg_id)
            event = json.loads(body)
            handle(event["type"], event["data"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8000),
                             Receiver)
print(f"listening on http://127.0.0.1:{server.server_port} (webhook receiver)", flush=True)
server.serve_forever()
