#!/bin/bash
# One entry point for storywatch's benchmarks: a loopback feed farm, storywatchd
# --once next to newsboat and a feedparser thread pool (cold and warm), the floors
# of storywatch's stages, and the idle daemon's cost; prints a table of medians.
#
#   bench/run.sh [--feeds 1000,10000] [--runs 3] [--limit 180] [--idle 60]
#                [--quick] [--write-doc] [--farm DIR] [--build DIR] [--keep]
#
# --quick      100 feeds, one run, short limits and idle window (CI: keeps the
#              suite from rotting; the figures are not judged).
# --write-doc  also write docs/performance.md from this run's figures.
# --farm DIR   generate the farm into DIR (kept) or reuse the farm already there;
#              default: a temporary directory removed at the end.
# --build DIR  meson build directory of a release build (default: build-bench in
#              the repository, configured with -Dbuildtype=release if missing).
# --keep       keep the scratch directory (logs, states, raw figures).
#
# SW_BENCH_WRAP='valgrind --tool=callgrind ...' is put in front of storywatchd
# on its cold runs (profiling; see docs/performance.md).
#
# Exit status: 0 when the suite ran (a contender that is not installed or does
# not finish in time is reported, not fatal), 1 when storywatchd failed (build,
# non-zero exit, time limit), 2 on a usage error or when the suite itself cannot
# run (no nginx, python3 or GNU time). Everything talks to 127.0.0.1 only.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
LIB=$REPO/bench/lib
FEEDS=1000,10000
RUNS=3
LIMIT=180
IDLE=60
QUICK=0
WRITE_DOC=0
FARM=
BUILD=${SW_BENCH_BUILD:-$REPO/build-bench}
KEEP=0
CLAIMS_ARGS="1000 10000"
THREADS=16         # newsboat reload-threads and the feedparser pool
SW_PER_HOST=16     # storywatch fetch.max_per_host: the same 16 at a time
SW_CONNS=64        # storywatch fetch.max_connections (its default)
CURL_PAR=64        # curl --parallel-max for the fetch floor

usage() {
	sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--feeds) FEEDS=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--limit) LIMIT=$2; shift ;;
	--idle) IDLE=$2; shift ;;
	--quick) QUICK=1 ;;
	--write-doc) WRITE_DOC=1 ;;
	--farm) FARM=$2; shift ;;
	--build) BUILD=$2; shift ;;
	--keep) KEEP=1 ;;
	-h | --help) usage ;;
	*) echo "run.sh: unknown argument $1" >&2; usage ;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	FEEDS=100
	RUNS=1
	LIMIT=30
	IDLE=5
	CLAIMS_ARGS="20 100"
fi
case "$FEEDS,$RUNS,$LIMIT,$IDLE" in
*[!0-9,]*) echo "run.sh: --feeds, --runs, --limit and --idle take numbers" >&2; exit 2 ;;
esac

say() { printf '%s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

for t in python3 nginx curl; do
	have "$t" || { say "run.sh: $t is not installed; cannot run the suite"; exit 2; }
done
[ -x /usr/bin/time ] || { say "run.sh: GNU time (/usr/bin/time, Debian package time) is not installed"; exit 2; }
NGINX=$(command -v nginx)

WORK=$(mktemp -d /tmp/swbench.XXXXXX)
chmod 755 "$WORK" # nginx workers run unprivileged
RES=$WORK/results.tsv
META=$WORK/meta.txt
: >"$RES"
: >"$META"
NGINX_PID=
IDLE_PID=
SW_FAILED=0

cleanup() {
	if [ -n "$IDLE_PID" ] && kill -0 "$IDLE_PID" 2>/dev/null; then
		kill -TERM "$IDLE_PID" 2>/dev/null
		wait "$IDLE_PID" 2>/dev/null
	fi
	if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
		kill -QUIT "$NGINX_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
	fi
	if [ "$KEEP" = 1 ]; then say "scratch kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }

# --- storywatchd -----------------------------------------------------------
SWD=$BUILD/daemon/storywatchd
if [ ! -f "$BUILD/build.ninja" ]; then
	say "configuring a release build in $BUILD"
	meson setup "$BUILD" "$REPO" -Dbuildtype=release -Dtests=false >"$WORK/meson.log" 2>&1 ||
		{ cat "$WORK/meson.log" >&2; say "run.sh: meson setup failed"; exit 1; }
fi
ninja -C "$BUILD" >"$WORK/ninja.log" 2>&1 ||
	{ tail -30 "$WORK/ninja.log" >&2; say "run.sh: the build failed"; exit 1; }
[ -x "$SWD" ] || { say "run.sh: $SWD was not built"; exit 1; }
STORY_DIR=$REPO/config/stories/microsoft-azure-unit8200

ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
[ "$NOFILE" = unlimited ] && NOFILE=65536

# --- the farm --------------------------------------------------------------
MAXN=$(printf '%s\n' ${FEEDS//,/ } | sort -n | tail -1)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
[ -n "$FARM" ] || FARM=$WORK/farm
mkdir -p "$FARM"
FARM=$(cd "$FARM" && pwd)
have_farm=$(python3 - "$FARM/manifest.json" "$MAXN" <<'EOF'
import json, sys
try:
    m = json.load(open(sys.argv[1]))
    ok = m["feeds"] >= int(sys.argv[2]) and m["items"] == 20 and m["epoch"] == 0
    print(m["feeds"] if ok else 0)
except Exception:
    print(0)
EOF
)
t0=$(date +%s.%N)
if [ "$have_farm" != 0 ]; then
	# Reused: only the URL lists name the new port (no contender fetches
	# the article links inside the feeds).
	python3 "$LIB/gen-farm.py" --out "$FARM" --feeds "$have_farm" --lists "$FEEDS" \
		--base "$BASE" --lists-only >"$WORK/gen.log" 2>&1 ||
		{ cat "$WORK/gen.log" >&2; say "run.sh: gen-farm.py failed"; exit 2; }
	say "reusing the farm in $FARM ($have_farm feeds)"
else
	say "generating a farm of $MAXN feeds of 20 items in $FARM"
	python3 "$LIB/gen-farm.py" --out "$FARM" --feeds "$MAXN" --items 20 --lists "$FEEDS" \
		--base "$BASE" -j "$(nproc)" >"$WORK/gen.log" 2>&1 ||
		{ cat "$WORK/gen.log" >&2; say "run.sh: gen-farm.py failed"; exit 2; }
fi
[ "$have_farm" != 0 ] && meta farm_seconds reused || meta farm_seconds "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')"
d=$FARM
while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null; d=$(dirname "$d"); done
chmod -R o+rX "$FARM/www" 2>/dev/null

# --- nginx -----------------------------------------------------------------
NGX=$WORK/nginx
start_nginx() {
	mkdir -p "$NGX/run" "$NGX/logs" "$NGX/tmp"
	sed -e "s/@PORT@/$PORT/" -e "s#@WWW@#$FARM/www#" -e "s/@NOFILE@/$NOFILE/" \
		"$LIB/nginx.conf.in" >"$NGX/nginx.conf"
	rm -f "$NGX/run/nginx.pid"
	"$NGINX" -p "$NGX/" -e logs/error.log -c "$NGX/nginx.conf" 2>>"$NGX/logs/start.log" || return 1
	for _ in $(seq 50); do [ -s "$NGX/run/nginx.pid" ] && break; sleep 0.1; done
	NGINX_PID=$(cat "$NGX/run/nginx.pid" 2>/dev/null)
	[ -n "$NGINX_PID" ]
}
if ! start_nginx; then
	# The port was taken between the probe and nginx's bind: pick another.
	PORT=$(free_port)
	BASE=http://127.0.0.1:$PORT
	python3 "$LIB/gen-farm.py" --out "$FARM" --feeds "$MAXN" --lists "$FEEDS" \
		--base "$BASE" --lists-only >>"$WORK/gen.log" 2>&1
	start_nginx || { cat "$NGX/logs/start.log" "$NGX/logs/error.log" >&2; say "run.sh: nginx did not start"; exit 2; }
fi
first=$(head -1 "$FARM/lists/feeds-$MAXN.txt")
curl -s -o /dev/null -w '%{http_code}' "$first" | grep -q 200 ||
	{ say "run.sh: nginx does not serve $first"; exit 2; }
say "nginx pid $NGINX_PID serves $FARM/www on $BASE"

# --- measuring -------------------------------------------------------------
# record N CONTENDER PHASE RUN STATUS ITEMS NOTE < time-output
# One line per measured run: wall, user+sys CPU and peak RSS of the whole
# process tree (GNU time counts waited-for children).
TIMEFMT='%e %U %S %M %x'
measure() { # measure OUTFILE LOGFILE CMD...: runs CMD under time and timeout
	local out=$1 log=$2
	shift 2
	/usr/bin/time -o "$out" -f "$TIMEFMT" timeout -k 5 "$LIMIT" "$@" >"$log" 2>&1
}
record() { # record N CONTENDER PHASE RUN TIMEFILE ITEMS NOTE
	local n=$1 c=$2 ph=$3 r=$4 tf=$5 items=$6 note=$7 e u s m x st
	read -r e u s m x < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+ [0-9]+$' "$tf" | tail -1)
	x=${x:-1}
	case "$x" in
	0) st=ok ;;
	124 | 137) st=timeout ;;
	*) st="exit$x" ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$c" "$ph" "$r" "$st" \
		"${e:-0}" "$(awk -v a="${u:-0}" -v b="${s:-0}" 'BEGIN {printf "%.2f", a + b}')" "${m:-0}" "$items" "$note" >>"$RES"
	say "$(printf '  %-11s %5s %-4s run %s: %-7s wall %6ss cpu %6ss rss %6s KB  %s' \
		"$c" "$n" "$ph" "$r" "$st" "${e:-?}" "$(awk -v a="${u:-0}" -v b="${s:-0}" 'BEGIN {printf "%.2f", a + b}')" "${m:-?}" "$items")"
	LAST_STATUS=$st
}
sqlval() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$@" 2>/dev/null || echo '?'; }

age_state() { # DB: the state one interval later (every feed due)
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE feeds SET last_fetch = last_fetch - 86400"); c.commit()' "$1"
}

run_storywatch() { # N RUN
	local n=$1 r=$2 dir=$WORK/sw-$1-$2
	rm -rf "$dir"
	mkdir -p "$dir/state"
	python3 "$LIB/mkconfig.py" "$FARM/lists/feeds-$n.txt" "$dir/state" "$dir/sw.json" \
		--story-dir "$STORY_DIR" --max-per-host "$SW_PER_HOST" \
		--max-connections "$SW_CONNS" --interval 15m --log-level notice
	# shellcheck disable=SC2086 # SW_BENCH_WRAP is a command prefix, split on purpose
	measure "$dir/cold.time" "$dir/cold.log" ${SW_BENCH_WRAP:-} "$SWD" --once -c "$dir/sw.json"
	record "$n" storywatch cold "$r" "$dir/cold.time" \
		"$(sqlval "$dir/state/storywatch.db" 'SELECT count(*) FROM items') items stored" \
		"$(sqlval "$dir/state/storywatch.db" 'SELECT count(*) FROM feeds WHERE last_status=200') x 200"
	[ "$LAST_STATUS" = ok ] || { SW_FAILED=1; tail -5 "$dir/cold.log" >&2; return; }
	# Warm models the next poll round: the interval has passed, every feed
	# has its ETag and answers 304. The saved fetch times are moved back by a
	# day so that the round is due even where --once would otherwise wait.
	age_state "$dir/state/storywatch.db"
	measure "$dir/warm.time" "$dir/warm.log" "$SWD" --once -c "$dir/sw.json"
	record "$n" storywatch warm "$r" "$dir/warm.time" \
		"$(sqlval "$dir/state/storywatch.db" 'SELECT count(*) FROM feeds WHERE last_status=304') x 304" ""
	[ "$LAST_STATUS" = ok ] || { SW_FAILED=1; tail -5 "$dir/warm.log" >&2; }
	SW_LAST_DIR=$dir
}

run_newsboat() { # N RUN
	local n=$1 r=$2 dir=$WORK/nb-$1-$2
	rm -rf "$dir"
	mkdir -p "$dir/home"
	printf 'reload-threads %s\n' "$THREADS" >"$dir/config"
	cp "$FARM/lists/feeds-$n.txt" "$dir/urls"
	measure "$dir/cold.time" "$dir/cold.log" env HOME="$dir/home" \
		newsboat -u "$dir/urls" -c "$dir/cache.db" -C "$dir/config" -x reload
	record "$n" newsboat cold "$r" "$dir/cold.time" \
		"$(sqlval "$dir/cache.db" 'SELECT count(*) FROM rss_item') items in its cache" ""
	[ "$LAST_STATUS" = ok ] || return 1
	# newsboat 2.21 sends its second poll of a feed unconditionally (its
	# bug #2734: the first reload's ETag is not kept); conditional GETs start
	# with the third. The second is reported as such, the third is warm.
	measure "$dir/second.time" "$dir/second.log" env HOME="$dir/home" \
		newsboat -u "$dir/urls" -c "$dir/cache.db" -C "$dir/config" -x reload
	record "$n" newsboat second "$r" "$dir/second.time" \
		"$(sqlval "$dir/cache.db" 'SELECT count(*) FROM rss_item') items in its cache" ""
	[ "$LAST_STATUS" = ok ] || return 1
	measure "$dir/warm.time" "$dir/warm.log" env HOME="$dir/home" \
		newsboat -u "$dir/urls" -c "$dir/cache.db" -C "$dir/config" -x reload
	record "$n" newsboat warm "$r" "$dir/warm.time" \
		"$(sqlval "$dir/cache.db" 'SELECT count(*) FROM rss_item') items in its cache" ""
	[ "$LAST_STATUS" = ok ]
}

fp_items() { sed -n 's/.*200=\([0-9]*\) 304=\([0-9]*\).* items=\([0-9]*\).*/\3 items, \1 x 200, \2 x 304/p' "$1" | tail -1; }
run_feedparser() { # N RUN
	local n=$1 r=$2 dir=$WORK/fp-$1-$2
	rm -rf "$dir"
	mkdir -p "$dir"
	measure "$dir/cold.time" "$dir/cold.log" /usr/bin/python3 "$LIB/fp_poll.py" \
		"$FARM/lists/feeds-$n.txt" --threads "$THREADS" --state "$dir/state.json"
	record "$n" feedparser cold "$r" "$dir/cold.time" "$(fp_items "$dir/cold.log")" ""
	[ "$LAST_STATUS" = ok ] || return 1
	measure "$dir/warm.time" "$dir/warm.log" /usr/bin/python3 "$LIB/fp_poll.py" \
		"$FARM/lists/feeds-$n.txt" --threads "$THREADS" --state "$dir/state.json"
	record "$n" feedparser warm "$r" "$dir/warm.time" "$(fp_items "$dir/warm.log")" ""
	[ "$LAST_STATUS" = ok ]
}

missing() { # N CONTENDER WHY
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" cold 1 "$3" 0 0 0 "" "" >>"$RES"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" warm 1 "$3" 0 0 0 "" "" >>"$RES"
}

# The floors: what fetching alone and parsing alone cost on the same farm.
run_floors() { # N RUN
	local n=$1 r=$2 dir=$WORK/floor-$1-$2
	mkdir -p "$dir"
	{
		echo 'silent'
		echo 'compressed'
		while read -r u; do printf 'url = "%s"\noutput = "/dev/null"\n' "$u"; done <"$FARM/lists/feeds-$n.txt"
	} >"$dir/curl.cfg"
	measure "$dir/fetch.time" "$dir/fetch.log" curl --parallel --parallel-max "$CURL_PAR" \
		-K "$dir/curl.cfg"
	record "$n" fetch-floor cold "$r" "$dir/fetch.time" "$n GET" "curl -Z --parallel-max $CURL_PAR, gzip"
	# Every file's Last-Modified is before this date: nginx answers 304.
	measure "$dir/fetch304.time" "$dir/fetch304.log" curl --parallel --parallel-max "$CURL_PAR" \
		-z 'Fri, 01 Jan 2100 00:00:00 GMT' -K "$dir/curl.cfg"
	record "$n" fetch-floor warm "$r" "$dir/fetch304.time" "$n x 304" "curl -Z, If-Modified-Since"
	if have xmllint; then
		sed "s#^$BASE#$FARM/www#" "$FARM/lists/feeds-$n.txt" >"$dir/files"
		measure "$dir/parse.time" "$dir/parse.log" xargs -a "$dir/files" xmllint --noout
		record "$n" parse-floor cold "$r" "$dir/parse.time" "$n feeds" "xmllint --noout, libxml2 $(xmllint --version 2>&1 | sed -n 's/.*version \([0-9]\)\([0-9][0-9]\)\([0-9][0-9]\).*/\1.\2.\3/p' | head -1 | sed 's/\.0/./g')"
	elif [ "$r" = 1 ]; then
		missing "$n" parse-floor "not installed"
	fi
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
meta load_before "$LOAD_BEFORE"
for n in ${FEEDS//,/ }; do
	[ -s "$FARM/lists/feeds-$n.txt" ] || { say "run.sh: no list for $n feeds"; exit 2; }
	say "== $n feeds"
	nb_dead=0
	fp_dead=0
	for r in $(seq "$RUNS"); do
		run_storywatch "$n" "$r"
		if ! have newsboat; then
			[ "$r" = 1 ] && missing "$n" newsboat "not installed"
		elif [ "$nb_dead" = 0 ]; then
			# A contender that cannot finish once in the limit is not rerun.
			run_newsboat "$n" "$r" || nb_dead=1
		fi
		if ! /usr/bin/python3 -c 'import feedparser' 2>/dev/null; then
			[ "$r" = 1 ] && missing "$n" feedparser "not installed"
		elif [ "$fp_dead" = 0 ]; then
			run_feedparser "$n" "$r" || fp_dead=1
		fi
		run_floors "$n" "$r"
	done
	[ "$n" -le 1000 ] && IDLE_DIR=$SW_LAST_DIR IDLE_N=$n
done

# --- the analysis and delivery floors ----------------------------------------
CLAIMS_BIN=$BUILD/bench/claims/bench_claims
NOTIFY_BIN=$BUILD/bench/notify/bench_notify
if [ -x "$CLAIMS_BIN" ]; then
	say "== claims benchmark: bench_claims $CLAIMS_ARGS"
	# shellcheck disable=SC2086
	timeout "$LIMIT" "$CLAIMS_BIN" $CLAIMS_ARGS >"$WORK/claims.txt" 2>&1
	rc=$?
	[ $rc = 124 ] && echo "did not finish in $LIMIT s" >>"$WORK/claims.txt"
	cat "$WORK/claims.txt" >&2
else
	echo "not built (bench/claims absent)" >"$WORK/claims.txt"
fi
if [ -x "$NOTIFY_BIN" ]; then
	say "== notify benchmark: bench_notify 2"
	timeout "$LIMIT" "$NOTIFY_BIN" 2 >"$WORK/notify.txt" 2>&1
	cat "$WORK/notify.txt" >&2
else
	echo "not built (bench/notify absent)" >"$WORK/notify.txt"
fi

# --- idle cost -------------------------------------------------------------
# The daemon as it runs in production, on the warm state of the last storywatch
# run (every feed fetched moments ago, next poll in 15 minutes): nothing is due.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
switches() {
	local v=0 t
	for t in /proc/"$1"/task/*/status; do
		v=$((v + $(awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {s += $2} END {print s + 0}' "$t" 2>/dev/null)))
	done
	echo $v
}
if [ -n "${IDLE_DIR:-}" ] && [ -d "$IDLE_DIR/state" ]; then
	say "== idle: $IDLE_N feeds, interval 15m, ${IDLE}s"
	# Poll the state up to date first (the bigger runs since may have taken
	# longer than the interval), so that the window starts with nothing due.
	age_state "$IDLE_DIR/state/storywatch.db"
	"$SWD" --once -c "$IDLE_DIR/sw.json" >"$WORK/idle-refresh.log" 2>&1 ||
		{ say "run.sh: storywatchd --once failed before the idle window"; SW_FAILED=1; }
	"$SWD" -c "$IDLE_DIR/sw.json" >"$WORK/idle.log" 2>&1 &
	IDLE_PID=$!
	up=0
	for _ in $(seq 300); do
		[ -S "$IDLE_DIR/state/control.sock" ] && { up=1; break; }
		kill -0 "$IDLE_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ "$up" = 0 ]; then
		say "run.sh: the daemon did not come up for the idle measurement"
		tail -5 "$WORK/idle.log" >&2
		SW_FAILED=1
		meta idle "failed"
	else
		sleep 2 # let start-up settle
		hz=$(getconf CLK_TCK)
		t0=$(ticks "$IDLE_PID")
		s0=$(switches "$IDLE_PID")
		w0=$(awk '{print $3}' "/proc/$IDLE_PID/schedstat")
		perf_out=
		if have perf && perf stat -e task-clock true >/dev/null 2>&1; then
			perf stat -e task-clock,context-switches,cpu-migrations -p "$IDLE_PID" \
				-o "$WORK/perf-idle.txt" -- sleep "$IDLE" >/dev/null 2>&1
			if grep -q -E 'not counted|not supported' "$WORK/perf-idle.txt"; then
				perf_out="<not counted>: the process never ran in the window"
			else
				perf_out=$(awk '/task-clock|context-switches/ {print $1, $2}' "$WORK/perf-idle.txt" | tr '\n' ' ')
			fi
		else
			sleep "$IDLE"
		fi
		t1=$(ticks "$IDLE_PID")
		s1=$(switches "$IDLE_PID")
		w1=$(awk '{print $3}' "/proc/$IDLE_PID/schedstat")
		meta idle_feeds "$IDLE_N"
		meta idle_seconds "$IDLE"
		meta idle_cpu_s "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')"
		meta idle_switches "$((s1 - s0))"
		meta idle_wakeups "$((w1 - w0))"
		meta idle_wakeups_per_s "$(awk -v a="$w0" -v b="$w1" -v t="$IDLE" 'BEGIN {printf "%.2f", (b - a) / t}')"
		meta idle_rss_kb "$(awk '/^VmRSS/ {print $2}' "/proc/$IDLE_PID/status")"
		meta idle_hwm_kb "$(awk '/^VmHWM/ {print $2}' "/proc/$IDLE_PID/status")"
		meta idle_threads "$(awk '/^Threads/ {print $2}' "/proc/$IDLE_PID/status")"
		meta idle_perf "${perf_out:-perf not available}"
		kill -TERM "$IDLE_PID"
		wait "$IDLE_PID"
		rc=$?
		IDLE_PID=
		[ $rc = 0 ] || { say "run.sh: the idle daemon exited with $rc on SIGTERM"; SW_FAILED=1; }
	fi
fi

# --- report ----------------------------------------------------------------
meta load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
meta feeds "$FEEDS"
meta runs "$RUNS"
meta limit "$LIMIT"
meta quick "$QUICK"
meta port "$PORT"
meta threads "$THREADS"
meta sw_per_host "$SW_PER_HOST"
meta sw_conns "$SW_CONNS"
meta curl_par "$CURL_PAR"
meta cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
meta ncpu "$(nproc)"
meta mem "$(awk '/^MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo)"
meta kernel "$(uname -r)"
meta os "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
meta versions "$("$SWD" --version 2>&1 | head -1); nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'); newsboat $(newsboat -v 2>/dev/null | head -1 | awk '{print $2}'); feedparser $(/usr/bin/python3 -c 'import feedparser; print(feedparser.__version__)' 2>/dev/null); curl $(curl --version | head -1 | awk '{print $2}'); python3 $(python3 -c 'import platform; print(platform.python_version())')"
meta commit "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta command "bench/run.sh --feeds $FEEDS --runs $RUNS --limit $LIMIT --idle $IDLE$([ "$QUICK" = 1 ] && echo ' (--quick)')"

doc_args=()
[ "$WRITE_DOC" = 1 ] && doc_args=(--doc "$REPO/docs/performance.md")
python3 "$LIB/report.py" "$RES" "$META" "$WORK/claims.txt" "$WORK/notify.txt" "${doc_args[@]}" ||
	{ say "run.sh: the report failed"; exit 2; }
if [ "$SW_FAILED" = 1 ]; then
	say "run.sh: storywatchd failed (see above)"
	exit 1
fi
exit 0
