#!/usr/bin/env python3
"""Run the receiver examples of docs/webhooks.md against notify/'s output.

Usage: doc_examples.py WEBHOOKS_MD CASES_JSONL
Each case: {"secret", "id", "ts", "signature", "body_hex", "valid"}.  The
Python `verify` and the shell verify.sh from the document must both say
"valid" exactly when the case says so.  Exit 1 on any disagreement.
"""
import json
import os
import re
import subprocess
import sys
import tempfile


def block(text, lang, marker):
    for m in re.finditer(r"```" + lang + r"\n(.*?)```", text, re.S):
        if marker in m.group(1):
            return m.group(1)
    sys.exit(f"no ```{lang} block containing {marker!r} in the document")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = f.read()
    scope = {}
    exec(block(doc, "python", "def verify"), scope)
    verify = scope["verify"]
    shell = block(doc, "sh", "usage: verify.sh")
    bad = n = 0
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "verify.sh")
        body_path = os.path.join(d, "body")
        with open(script, "w", encoding="utf-8") as f:
            f.write(shell)
        with open(sys.argv[2], encoding="utf-8") as f:
            for line in f:
                c = json.loads(line)
                body = bytes.fromhex(c["body_hex"])
                headers = {"webhook-id": c["id"],
                           "webhook-timestamp": str(c["ts"]),
                           "webhook-signature": c["signature"]}
                # The cases are not fresh: switch the replay window off.
                py = verify(c["secret"], headers, body, tolerance=10**15)
                with open(body_path, "wb") as b:
                    b.write(body)
                r = subprocess.run(["sh", script, c["secret"], c["id"],
                                    str(c["ts"]), c["signature"], body_path],
                                   capture_output=True, check=False)
                sh = r.returncode == 0
                n += 1
                for name, got in (("python", py), ("shell", sh)):
                    if got != c["valid"]:
                        bad += 1
                        print(f"case {n} ({c['id']}): {name} example says "
                              f"{got}, expected {c['valid']} "
                              f"{r.stderr.decode(errors='replace')[:200]}")
    print(f"{n} cases through both documented verifiers, {bad} disagreements")
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
