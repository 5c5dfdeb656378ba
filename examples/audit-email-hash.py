#!/usr/bin/env python3
"""The email_hash of an address, as linkgate writes it in audit lines (docs/operations.md).

Usage: AUTH_SECRET=... audit-email-hash.py jane@example.com

The address is normalized as linkgate's default does (NFKC, trimmed, lower case); the secret is
the first AUTH_SECRET. `linkgate audit-hash ADDRESS` prints the same value.
"""

import hashlib
import hmac
import os
import sys
import unicodedata


def hkdf_sha256(key, info, length=32):
    """HKDF (RFC 5869) with SHA-256 and an empty salt."""
    prk = hmac.new(b"\0" * 32, key, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def audit_email_hash(secret, address):
    key = hkdf_sha256(secret.encode(), b"linkgate audit email hash")
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.environ.get("AUTH_SECRET"):
        sys.exit("usage: AUTH_SECRET=... audit-email-hash.py ADDRESS")
    print(audit_email_hash(os.environ["AUTH_SECRET"], unicodedata.normalize("NFKC", sys.argv[1]).strip().lower()))
