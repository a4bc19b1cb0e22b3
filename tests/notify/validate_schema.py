#!/usr/bin/env python3
"""Validate notify/'s json payloads against docs/webhook-payload.schema.json.

Usage: validate_schema.py SCHEMA VALID_JSONL INVALID_JSONL
Every line of VALID_JSONL must validate and every line of INVALID_JSONL
must not (proof that the check can fail).  Exit 77 (skip) without the
jsonschema module, 1 on any surprise, 0 otherwise.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3 jsonschema module missing "
          "(apt-get install python3-jsonschema): skipping")
    sys.exit(77)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    counts = [0, 0]
    for path, want_valid in ((sys.argv[2], True), (sys.argv[3], False)):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                doc = json.loads(line)
                errors = list(validator.iter_errors(doc))
                counts[want_valid] += 1
                if want_valid and errors:
                    bad += 1
                    e = errors[0]
                    print(f"{path}:{n}: invalid: "
                          f"{'/'.join(map(str, e.absolute_path))}: "
                          f"{e.message[:200]}")
                elif not want_valid and not errors:
                    bad += 1
                    print(f"{path}:{n}: accepted, should have been refused")
    print(f"{counts[True]} valid and {counts[False]} invalid documents "
          f"checked, {bad} surprises")
    return 1 if bad or counts[True] == 0 or counts[False] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
