#!/bin/sh
# The unit must verify cleanly and keep its exposure at or below 1.5.
# The ExecStart binaries are the ones just built, so verify sees real files.
set -eu
unit="$SW_SOURCE_ROOT/systemd/storywatch.service"
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/sbin/storywatchd|$SW_BUILD_ROOT/daemon/storywatchd|g" "$unit" > "$tmp/storywatch.service"
out=$(systemd-analyze verify --man=no "$tmp/storywatch.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify:"; echo "$out"; exit 1; fi
echo "verify: clean"
# Exposure at most 1.5: --threshold fails the command above it.
out=$(systemd-analyze security --offline=true --threshold=15 "$unit" 2>&1) || {
	echo "$out" | tail -25; exit 1; }
echo "$out" | tail -1
