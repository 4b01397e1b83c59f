#!/bin/bash
# tests/hotlist/run.sh BUILD - hotlists and alerts through the anpr tool.
#
# The frame is generated (build/mkscene: the demo scene as a PGM), so no
# data is needed. Its best plate's text T, whatever the reader makes of
# it, is what the lists name: the tests are about matching and delivery,
# not about reading. Checked: the "hits" of read's JSON (exact, look-alike,
# indel, --fuzzy 0, expiry, ranking), alert lines on stdout, `hotlist
# check` on good and bad lists, --strict, and a long-running reader
# (--files-from a FIFO) with real subscribers on a unix and a TCP socket,
# reloaded by SIGHUP and by the file watch, a failed reload keeping the
# old lists, and the alert hold-off.
set -u
BUILD=${1:-build}
ANPR=$BUILD/anpr
T=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail=0
check() { # check NAME COMMAND...: the command must succeed
	local name=$1
	shift
	if "$@"; then echo "  ok   $name"; else echo "  FAIL $name"; fail=1; fi
}
wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds
	local n=$(($1 * 10))
	shift
	while ((n-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
H=vrm,category,priority,action,source,valid_until,note

"$BUILD/mkscene" "$T/scene.pgm" || exit 1
# T: the first plate read that has a look-alike character (0 O D Q 1 I 2 Z 5 S 8 B 6 G)
texts=$("$ANPR" read --json "$T/scene.pgm" | grep -o '"plates":.*' | grep -o '{"text":"[A-Z0-9]*"' | cut -d'"' -f4)
TEXT=$(grep -m1 '[0ODQ1I2Z5S8B6G]' <<<"$texts")
if [ -z "$TEXT" ] || [ ${#TEXT} -lt 3 ]; then
	echo "  FAIL the generated scene reads no plate with a look-alike character (read: $texts)"
	exit 1
fi
# its look-alike twin (one character swapped within its class), and TEXT with a 7 inserted (the
# reader's candidates are shorter or the same length, never that)
LOOK=$(sed 's/8/B/;t;s/B/8/;t;s/0/O/;t;s/O/0/;t;s/1/I/;t;s/I/1/;t;s/5/S/;t;s/S/5/;t;s/2/Z/;t;s/Z/2/;t;s/6/G/;t;s/G/6/;t;s/D/0/;t;s/Q/0/' <<<"$TEXT")
LONG=${TEXT:0:2}7${TEXT:2}
echo "  (the scene's plate reads $TEXT; look-alike $LOOK; one character more $LONG)"

printf '%s\n%s,stolen,2,stop and check,PNC,,"seen, twice"\nAB!12,bad,1,,,,\n' "$H" "${TEXT:0:2} ${TEXT:2}" > "$T/stolen.csv"
printf '%s\r\n%s,wanted,1,arrest,local,2099-12-31,\r\n' "$H" "$LOOK" > "$T/look.csv"
printf '%s\n%s,expired,1,,,2000-01-01,\n' "$H" "$TEXT" > "$T/old.csv"
printf '%s\n%s,long,3,,,,\n' "$H" "$LONG" > "$T/long.csv"
plate_of() { # the JSON of the plate that reads TEXT
	grep -o "{\"text\":\"$TEXT\".*" | head -1
}

# ---- hits in read's JSON ----
out=$("$ANPR" read --json --hotlist "$T/stolen.csv" --hotlist look="$T/look.csv" --hotlist "$T/old.csv" \
	"$T/scene.pgm" 2>"$T/err")
rc=$?
check "read --hotlist: exit 0 (a bad row is reported, not fatal)" test $rc -eq 0
check "read --hotlist: the bad row named file:line" grep -q "stolen.csv:3: vrm: '!' is not a letter or digit" "$T/err"
read_line=$(grep '^{"file"' <<<"$out")
hits=$(plate_of <<<"$read_line" | grep -o '"hits":\[.*')
check "hits: the exact entry, as listed, with its category, priority, rule and distance" \
	grep -q "{\"list\":\"stolen\",\"vrm\":\"$TEXT\",\"category\":\"stolen\",\"priority\":2,\"rule\":\"exact\",\"distance\":0" <<<"$hits"
check "hits: the look-alike entry (list named by NAME=)" \
	grep -q "{\"list\":\"look\",\"vrm\":\"$LOOK\",\"category\":\"wanted\",\"priority\":1,\"rule\":\"lookalike\",\"distance\":1" <<<"$hits"
check "hits: ranked by priority (1 before 2)" grep -q '"priority":1,.*"priority":2,' <<<"$hits"
check "hits: an expired entry never hits" bash -c '! grep -q "\"list\":\"old\"" <<<"$1"' _ "$hits"
check "hits: every plate has a hits array" \
	test "$(grep -o '"chars":\[' <<<"$read_line" | wc -l)" -eq "$(grep -o '"hits":\[' <<<"$read_line" | wc -l)"
out0=$("$ANPR" read --json --fuzzy 0 --hotlist "$T/stolen.csv" --hotlist look="$T/look.csv" "$T/scene.pgm" 2>/dev/null)
hits0=$(grep '^{"file"' <<<"$out0" | plate_of | grep -o '"hits":\[.*')
check "--fuzzy 0: exact only" bash -c 'grep -q "\"rule\":\"exact\"" <<<"$1" && ! grep -q "lookalike" <<<"$1"' _ "$hits0"
outs=$("$ANPR" read --json --hotlist "$T/long.csv" "$T/scene.pgm" 2>/dev/null | grep '^{"file"' | plate_of)
check "indel: off by default" bash -c '! grep -q "\"list\":\"long\"" <<<"$1"' _ "$outs"
outs=$("$ANPR" read --json --indel --hotlist "$T/long.csv" "$T/scene.pgm" 2>/dev/null | grep '^{"file"' | plate_of)
check "indel: --indel finds the entry with one character more" \
	grep -q "{\"list\":\"long\",\"vrm\":\"$LONG\",\"category\":\"long\",\"priority\":3,\"rule\":\"indel\",\"distance\":1" <<<"$outs"
out=$("$ANPR" read --json "$T/scene.pgm")
check "read without --hotlist: no hits field (the contract of issue 3 unchanged)" bash -c '! grep -q "\"hits\"" <<<"$1"' _ "$out"

# ---- alert lines on stdout ----
alerts=$(grep '^{"alert"' <<<"$(printf '%s\n' "$(
	"$ANPR" read --json --hotlist "$T/stolen.csv" --hotlist look="$T/look.csv" "$T/scene.pgm" 2>/dev/null)")")
check "alerts: one line per hit on stdout, before the frame's line" \
	test "$(grep -c "\"vrm\":\"$TEXT\"" <<<"$alerts")" -ge 2
a1=$(grep -m1 "\"list\":\"stolen\"" <<<"$alerts")
check "alert: run, seq, capture, time, camera, file, read, list entry, rule, patch" \
	grep -Eq "^\{\"alert\":\"hotlist\",\"run\":\"[0-9a-f]{16}\",\"seq\":[12],\"capture\":\"cam0-[^\"]+\",\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\",\"camera\":\"cam0\",\"file\":\"[^\"]*scene.pgm\",\"vrm\":\"$TEXT\",\"confidence\":[0-9.]+,\"box\":\[[0-9,]+\],\"hit\":\{\"list\":\"stolen\",\"vrm\":\"$TEXT\",\"category\":\"stolen\",\"priority\":2,\"action\":\"stop and check\",\"source\":\"PNC\",\"valid_until\":null,\"note\":\"seen, twice\",\"rule\":\"exact\",\"distance\":0,.*\"patch\":\{\"format\":\"png\",\"width\":[0-9]+,\"height\":[0-9]+,\"base64\":\"iVBORw0KGgo[A-Za-z0-9+/=]+\"\}\}$" <<<"$a1"
b64=$(grep -o '"base64":"[^"]*"' <<<"$a1" | cut -d'"' -f4)
check "alert: the patch is a whole PNG" bash -c 'base64 -d <<<"$1" > "$2/patch.png" && "$3" read --crop "$2/patch.png" >/dev/null' _ "$b64" "$T" "$ANPR"

# ---- bad lists ----
"$ANPR" read --json --strict --hotlist "$T/stolen.csv" "$T/scene.pgm" >"$T/out" 2>"$T/err"
rc=$?
check "--strict: a bad row refuses the list: exit 1, nothing read" bash -c "test $rc -eq 1 && ! test -s $T/out"
check "--strict: says which file, line and why" grep -q "stolen.csv:3: vrm:" "$T/err"
"$ANPR" hotlist check "$T/look.csv" >"$T/out" 2>"$T/err"
check "hotlist check: a good list (CRLF) exits 0 with its statistics" \
	bash -c "test $? -eq 0 && grep -q '^look (.*look.csv): 1 row(s), 1 entry in force, 0 bad' $T/out && grep -q '^memory: ' $T/out"
"$ANPR" hotlist check "$T/stolen.csv" >"$T/out" 2>"$T/err"
check "hotlist check: bad rows exit 1, each named file:line: reason" \
	bash -c "test $? -eq 1 && grep -q 'stolen.csv:3: ' $T/err && grep -q '1 bad' $T/out"
: > "$T/empty.csv"
head -c 3000 /dev/urandom > "$T/garbage.csv"
{ echo "$H"; printf 'AB12CDE,%s,1,,,,\n' "$(head -c 6000 /dev/zero | tr '\0' x)"; printf 'AB12CDF,c,1,,,,\xff\xfe\n'; printf 'AB12CDG,"open,1,,,,\n'; echo "AB12CDH,ok,1,,,,"; } > "$T/odd.csv"
for f in empty garbage; do
	"$ANPR" hotlist check "$T/$f.csv" >"$T/out" 2>"$T/err"
	check "hotlist check: $f file refused, exit 1, message names it" \
		bash -c "test $? -eq 1 && grep -q '$f.csv' $T/err && grep -q 'refused' $T/out"
done
"$ANPR" hotlist check "$T/odd.csv" >"$T/out" 2>"$T/err"
check "hotlist check: a giant row, invalid UTF-8, an open quote: three bad rows, the good one kept" \
	bash -c "grep -q 'odd.csv:2: a row of' $T/err && grep -q 'odd.csv:3: not valid UTF-8' $T/err && grep -q 'odd.csv:4: a quoted field' $T/err && grep -q '1 entry in force, 3 bad' $T/out"
"$ANPR" read --hotlist "$T/missing.csv" "$T/scene.pgm" >/dev/null 2>"$T/err"
check "read --hotlist of a missing file: exit 1, named" bash -c "test $? -eq 1 && grep -q 'missing.csv' $T/err"
"$ANPR" read --fuzzy x "$T/scene.pgm" 2>/dev/null
check "--fuzzy x: usage error (2)" test $? -eq 2

# ---- a long-running reader: subscribers, reloads, hold-off ----
printf '%s\nZZ99ZZZ,other,1,,,,\n' "$H" > "$T/live.csv"
mkfifo "$T/frames"
PORT=$((20000 + RANDOM % 20000))
"$ANPR" read --json --files-from "$T/frames" --hotlist live="$T/live.csv" --hotlist-watch 0.2 \
	--alert-listen "unix:$T/alerts.sock" --camera gantry-7 >"$T/reader.out" 2>"$T/reader.err" &
PIDS+=($!)
READER=$!
check "reader: the alert socket is up" wait_for 10 test -S "$T/alerts.sock"
"$ANPR" alerts --connect "unix:$T/alerts.sock" >"$T/sub.out" 2>"$T/sub.err" &
PIDS+=($!)
exec 3>"$T/frames" # (after the subscriber starts: it must not hold the FIFO open)
check "subscriber: connected" wait_for 10 grep -q subscribed "$T/sub.err"
reads() { # reads N: the reader has printed N read lines
	test "$(grep -c '^{"file"' "$T/reader.out")" -ge "$1"
}
frame() { # frame N: feed the scene, wait for the Nth read line
	echo "$T/scene.pgm" >&3
	wait_for 20 reads "$1"
}
check "reader: frame 1 read" frame 1
check "frame 1: not listed yet, no alert" bash -c "! grep -q '^{\"alert\"' $T/reader.out"
printf '%s\n%s,stolen,1,stop,PNC,,\n' "$H" "$TEXT" > "$T/live.new" && mv "$T/live.new" "$T/live.csv"
kill -HUP $READER
check "SIGHUP: the lists are reloaded" wait_for 10 grep -q 'hotlists reloaded (SIGHUP): 1 entries' "$T/reader.err"
check "reader: frame 2 read" frame 2
check "frame 2: an alert on stdout, the run's first (seq 1)" \
	grep -Eq "^\{\"alert\":\"hotlist\",\"run\":\"[0-9a-f]{16}\",\"seq\":1,\"capture\":\"gantry-7-.*\"vrm\":\"$TEXT\"" "$T/reader.out"
check "frame 2: the same alert reaches the unix subscriber" \
	wait_for 10 grep -q "^{\"alert\":\"hotlist\",.*\"camera\":\"gantry-7\".*\"hit\":{\"list\":\"live\",\"vrm\":\"$TEXT\"" "$T/sub.out"
check "frame 3 read" frame 3
check "frame 3: the same vehicle again within the hold-off: no second alert" \
	test "$(grep -c '^{"alert"' "$T/reader.out")" -eq 1
printf 'not,a,hotlist\n' > "$T/live.new" && mv "$T/live.new" "$T/live.csv"
kill -HUP $READER
check "a bad reload is refused and says so" wait_for 10 grep -q 'reload (SIGHUP) failed: the lists in force are unchanged' "$T/reader.err"
check "frame 4 read" frame 4
check "frame 4: the old lists still in force (the hit is still in the JSON)" \
	bash -c "tail -1 $T/reader.out | grep -q '\"hits\":\[{\"list\":\"live\",\"vrm\":\"$TEXT\"'"
printf '%s\nAA11AAA,other,1,,,,\n' "$H" > "$T/live.new" && mv "$T/live.new" "$T/live.csv"
check "file watch: a changed list is reloaded without a signal" \
	wait_for 10 grep -q 'hotlists reloaded (a list file changed): 1 entries' "$T/reader.err"
check "frame 5 read" frame 5
check "frame 5: the entry is gone: no hit" bash -c "tail -1 $T/reader.out | grep -q '\"hits\":\[\]'"
exec 3>&-
check "reader: ends at the end of its file list, exit 0" wait $READER

# TCP: a plain client (bash's /dev/tcp) gets the alert line
printf '%s\n%s,stolen,1,stop,PNC,,\n' "$H" "$TEXT" > "$T/live.csv"
mkfifo "$T/frames2"
"$ANPR" read --files-from "$T/frames2" --hotlist live="$T/live.csv" --alert-listen "tcp:127.0.0.1:$PORT" \
	--alert-holdoff 0 >"$T/reader2.out" 2>"$T/reader2.err" &
PIDS+=($!)
READER=$!
exec 3>"$T/frames2"
check "tcp: listening" wait_for 10 grep -q "alerts on tcp:127.0.0.1:$PORT" "$T/reader2.err"
if exec 4<>"/dev/tcp/127.0.0.1/$PORT"; then
	wait_for 10 grep -q 'subscriber .* connected' "$T/reader2.err"
	echo "$T/scene.pgm" >&3
	echo "$T/scene.pgm" >&3
	lines=()
	for k in 1 2; do IFS= read -r -t 20 l <&4 && lines+=("$l"); done
	check "tcp: a plain client gets the alert line" grep -q "\"vrm\":\"$TEXT\"" <<<"${lines[0]:-}"
	check "tcp: --alert-holdoff 0: the same vehicle alerts again" grep -q "\"vrm\":\"$TEXT\"" <<<"${lines[1]:-}"
	exec 4<&-
	# a subscriber that lost the connection after seq 1 resumes: it gets seq 2 again
	run=$(grep -o '"run":"[0-9a-f]*"' <<<"${lines[0]:-}" | cut -d'"' -f4)
	timeout 20 "$ANPR" alerts --connect "tcp:127.0.0.1:$PORT" --after "$run:1" --count 1 >"$T/resume.out" 2>"$T/resume.err"
	check "resume: --after RUN:1 gets the alert it missed (seq 2), the same line" \
		bash -c 'grep -q "\"seq\":2," "$1" && test "$(cat "$1")" = "$2"' _ "$T/resume.out" "${lines[1]:-}"
	"$ANPR" alerts --connect "tcp:127.0.0.1:$PORT" --after "$run" >/dev/null 2>"$T/resume.err"
	check "resume: --after without SEQ is a usage error (2) that says why" \
		bash -c "test $? -eq 2 && grep -q 'is not RUN:SEQ' $T/resume.err"
else
	check "tcp: connect to 127.0.0.1:$PORT" false
fi
exec 3>&-
wait $READER

exit $fail
