#!/bin/sh
# meson install into a temporary DESTDIR puts every file in place, the
# installed config validates against the installed stories, and the
# installed unit verifies with the installed daemon as its ExecStart.
set -eu
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$SW_BUILD_ROOT" --destdir "$dest" --no-rebuild --quiet >/dev/null
daemon=$(find "$dest" -name storywatchd -type f | head -1)
ctl=$(find "$dest" -name storywatchctl -type f | head -1)
unit=$(find "$dest" -name storywatch.service | head -1)
config=$(find "$dest" -path '*storywatch/storywatch.json' | head -1)
stories=$(find "$dest" -type d -path '*share/storywatch/stories' | head -1)
for f in "$daemon" "$ctl" "$unit" "$config" "$stories"; do
	[ -n "$f" ] || { echo "missing from the install:"; find "$dest" -type f; exit 1; }
done
find "$dest" -name 'storywatch.conf' -path '*sysusers.d*' | grep -q . || { echo "no sysusers.d file"; exit 1; }
if command -v scdoc >/dev/null; then
	for m in storywatchd.8 storywatchctl.1 storywatch.json.5; do
		find "$dest" -name "$m" | grep -q . || { echo "man page $m not installed"; exit 1; }
	done
fi
# The installed config names the installed stories by absolute path.
datadir=${stories%/stories}
datadir=${datadir#"$dest"}
sed "s|$datadir|$dest$datadir|g" "$config" > "$dest/check.json"
"$daemon" --check-config -c "$dest/check.json"
sed "s|/usr/sbin/storywatchd|$daemon|g" "$unit" > "$dest/storywatch.service"
out=$(systemd-analyze verify --man=no "$dest/storywatch.service" 2>&1) || { echo "$out"; exit 1; }
[ -z "$out" ] || { echo "systemd-analyze verify:"; echo "$out"; exit 1; }
echo "installed unit: verify clean"
