#!/bin/sh
# Build the libFuzzer targets with clang and run each for a fixed time on a
# copy of its seed corpus; print executions, exec/s and coverage per target.
#
# usage: fuzz/run.sh [SECONDS [BUILD_DIR]]
#   SECONDS    per target (default 30; CI uses 30, docs/fuzzing.md 600+)
#   BUILD_DIR  meson build dir (default $TMPDIR/storywatch-fuzz-build); it is
#              configured when it has no build.ninja yet, as:
#                CC=clang meson setup BUILD_DIR -Dfuzzing=true -Dtests=false \
#                  -Db_sanitize=address,undefined -Db_lundef=false \
#                  -Dc_args=-fsanitize=fuzzer-no-link \
#                  -Dmodules=common,config,http,feeds,claims,notify,fuzz
#              (-fsanitize=fuzzer-no-link gives the module libraries the
#              coverage instrumentation; the targets add -fsanitize=fuzzer.)
# environment:
#   FUZZ_TARGETS  targets to run (default: all), e.g. "feed html"
#   FUZZ_JOBS     targets run at the same time (default 1)
#   FUZZ_OUT      where corpora, logs and crash files go (default: a new
#                 temporary folder, kept and named at the end)
#
# Nothing is written into the source tree.  Exit status: 0 when no target
# crashed (or "SKIP" when clang or its fuzzer runtime is missing), 1 when
# any target found a crash, leak or timeout, 2 on a build failure.
set -u

secs=${1:-30}
src=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-${TMPDIR:-/tmp}/storywatch-fuzz-build}
targets=${FUZZ_TARGETS:-feed html date url claims config ctlproto notify}
jobs=${FUZZ_JOBS:-1}

case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS [BUILD_DIR]]" >&2
	exit 2
	;;
esac

if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: clang not found (apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
probe=$(mktemp -d) || exit 2
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' \
    >"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" \
    -o "$probe/p" >/dev/null 2>&1; then
	rm -rf "$probe"
	echo "SKIP: clang cannot link -fsanitize=fuzzer" \
	    "(apt-get install libclang-rt-14-dev)"
	exit 0
fi
rm -rf "$probe"

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Dfuzzing=true -Dtests=false \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dc_args=-fsanitize=fuzzer-no-link \
	    -Dmodules=common,config,http,feeds,claims,notify,fuzz \
	    >"${TMPDIR:-/tmp}/storywatch-fuzz-setup.log" 2>&1 || {
		cat "${TMPDIR:-/tmp}/storywatch-fuzz-setup.log" >&2
		exit 2
	}
fi
ninja -C "$build" >/dev/null || {
	ninja -C "$build" >&2
	exit 2
}

out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/storywatch-fuzz.XXXXXX")}
mkdir -p "$out" || exit 2

# dict_of TARGET: the dictionary file for a target, or nothing.
dict_of() {
	case $1 in
	feed) echo xml ;;
	html) echo html ;;
	date) echo date ;;
	config | ctlproto | notify) echo json ;;
	esac
}

# run_one TARGET: fuzz one target for $secs seconds; log in $out/TARGET.log.
run_one() {
	t=$1
	exe=$build/fuzz/fuzz_$t
	corpus=$out/$t-corpus
	rm -rf "$corpus"
	mkdir -p "$corpus" "$out/$t-crashes"
	seeds=$src/fuzz/corpus/$t
	# The extractor's own test pages are its seeds; no copy is kept here.
	[ "$t" = html ] && seeds=$src/tests/feeds/pages
	cp "$seeds/"* "$corpus/"
	set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -error_exitcode=1 -timeout_exitcode=1 \
	    -print_final_stats=1 -artifact_prefix="$out/$t-crashes/"
	d=$(dict_of "$t")
	[ -n "$d" ] && set -- "$@" -dict="$src/fuzz/dict/$d.dict"
	case $t in
	feed | html | claims | notify | config) set -- "$@" -max_len=8192 ;;
	esac
	# WordNet takes a while to load under ASan; libFuzzer counts that time.
	[ "$t" = claims ] && set -- "$@" -max_total_time=$((secs + 60))
	SW_SOURCE_ROOT=$src "$exe" "$@" "$corpus" >"$out/$t.log" 2>&1
	echo $? >"$out/$t.rc"
}

# report TARGET: one line from the final statistics in the log.
report() {
	t=$1
	log=$out/$t.log
	rc=$(cat "$out/$t.rc" 2>/dev/null || echo '?')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
	ncorp=$(find "$out/$t-corpus" -type f | wc -l)
	ncrash=$(find "$out/$t-crashes" -type f | wc -l)
	if [ "$rc" = 0 ] && [ "$ncrash" = 0 ]; then
		verdict=ok
	else
		verdict="CRASH (rc $rc)"
		failed=1
	fi
	printf '%-9s %10s execs %7s exec/s  %-20s corpus %5s  rss %5s MB  %s\n' \
	    "$t" "${execs:-?}" "${eps:-?}" "${cov:-cov: ?}" "$ncorp" \
	    "${rss:-?}" "$verdict"
	if [ "$verdict" != ok ]; then
		grep -m1 -E '^==[0-9]+==ERROR|fuzz invariant|^SUMMARY' "$log" |
		    sed 's/^/    /'
		find "$out/$t-crashes" -type f | sed 's/^/    input: /'
	fi
}

echo "fuzzing $secs s per target, $jobs at a time; output in $out"
running=0
for t in $targets; do
	if [ ! -x "$build/fuzz/fuzz_$t" ]; then
		echo "no target fuzz_$t in $build" >&2
		exit 2
	fi
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

failed=0
for t in $targets; do
	report "$t"
done
if [ "$failed" != 0 ]; then
	echo "FAIL: crashes above; logs and inputs in $out"
	exit 1
fi
echo "ok: no crashes; logs in $out"
exit 0
