#!/usr/bin/env python3
"""Independent Standard Webhooks signer for the notify/ tests.

Reads JSON lines {"secret_hex", "id", "ts", "body_hex", "sig"} and checks
each "sig" (what notify/ produced) against Python's own hmac/base64:
whsec_ secrets are base64-decoded, others are raw bytes, and the signed
content is id + "." + ts + "." + body.  Prints one line per mismatch and
exits 1 if there was any, 0 otherwise.
"""
import base64
import hashlib
import hmac
import json
import sys


def expected(secret, msg_id, ts, body):
    if secret.startswith(b"whsec_"):
        key = base64.b64decode(secret[6:], validate=True)
    else:
        key = secret
    content = msg_id.encode() + b"." + str(ts).encode() + b"." + body
    mac = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def main():
    bad = 0
    n = 0
    with open(sys.argv[1], encoding="ascii") as f:
        for line in f:
            case = json.loads(line)
            want = expected(bytes.fromhex(case["secret_hex"]), case["id"],
                            case["ts"], bytes.fromhex(case["body_hex"]))
            n += 1
            if want != case["sig"]:
                bad += 1
                print(f"case {n}: id {case['id']}: got {case['sig']}, "
                      f"python says {want}")
    print(f"{n} signatures checked, {bad} mismatches")
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
