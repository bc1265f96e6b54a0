#!/bin/sh
# Conformance of our xenstored with Debian's xenstore-utils (Xen 4.17's
# client tools, libxenstore over the Unix socket): the daemon runs in the
# foreground with --no-domain-init on a private socket (XENSTORED_PATH),
# plus a --domain-socket whose clients act as guest domain 5, so the tools
# also show how permission denials look to an unprivileged client.
# xenstore-control is xen-utils-4.17's binary (the /usr/bin wrapper wants a
# hypervisor).  Usage: run.sh <xenstored>
daemon=$1
dir=$(mktemp -d /tmp/xs-conf.XXXXXX)
fails=0
export XENSTORED_PATH=$dir/sock
ctl=/usr/lib/xen-4.17/bin/xenstore-control

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; fails=$((fails + 1)); }
# expect <what> <wanted output> <command...>: stdout must match exactly
expect() {
	what=$1 want=$2
	shift 2
	got=$(timeout 10 "$@" 2>"$dir/err")
	if [ "$got" = "$want" ]; then pass "$what"; else
		fail "$what" "got '$got' (stderr: $(cat "$dir/err")), want '$want'"
	fi
}
# expect_fail <what> <stderr substring> <command...>: non-zero exit + message
expect_fail() {
	what=$1 msg=$2
	shift 2
	if timeout 10 "$@" >/dev/null 2>"$dir/err"; then
		fail "$what" "command succeeded"
	elif [ -z "$msg" ] || grep -q "$msg" "$dir/err"; then pass "$what"; else
		fail "$what" "stderr '$(cat "$dir/err")' lacks '$msg'"
	fi
}

for t in xenstore-read xenstore-write xenstore-ls xenstore-rm xenstore-chmod \
	xenstore-list xenstore-exists xenstore-watch $ctl; do
	command -v $t >/dev/null || { echo "FAIL: $t is installed - missing (apt-get install xenstore-utils xen-utils-4.17)"; exit 1; }
done

timeout 300 "$daemon" -N -D --domain-socket "5:$dir/dom5" -T "$dir/trace" >"$dir/log" 2>&1 &
pid=$!
for i in $(seq 50); do [ -S "$dir/sock" ] && break; sleep 0.1; done

xenstore-write /a/b hello
expect "xenstore-write /a/b hello; xenstore-read /a/b prints hello" "hello" xenstore-read /a/b
xenstore-write /c/d 1 /c/e "two words" /c/d/f 3
expect "xenstore-read of several keys prints one value per line" "1
two words" xenstore-read /c/d /c/e
expect "xenstore-ls prints the subtree indented" 'd = "1"
 f = "3"
e = "two words"' xenstore-ls /c
expect "xenstore-ls -f prints full paths" '/c/d = "1"
/c/d/f = "3"
/c/e = "two words"' xenstore-ls -f /c
expect "xenstore-list prints the children" "d
e" xenstore-list /c
expect "xenstore-exists of a node exits 0" "" xenstore-exists /c/d
expect_fail "xenstore-exists of a missing node exits non-zero" "" xenstore-exists /nope
expect_fail "xenstore-read of a missing node fails as with Xen's daemon" "couldn't read path /nope" xenstore-read /nope

for i in $(seq 0 199); do echo "/big/child-with-a-rather-long-name-$i x"; done |
	xargs xenstore-write
expect "xenstore-list of a listing over 4096 bytes (libxenstore pages it with DIRECTORY_PART)" \
	"200 child-with-a-rather-long-name-199" sh -c "xenstore-list /big | wc -l | tr '\n' ' '; xenstore-list /big | tail -1"

xenstore-chmod /c/d n0 r5
expect "xenstore-chmod sets owner and ACL (xenstore-ls -p shows them)" \
	'd = "1"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0,r5)
 f = "3" . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)
e = "two words"  . . . . . . . . . . . . . . . . . . . . . .  (n0)' xenstore-ls -p /c
xenstore-chmod -r /c b0 r5
expect "xenstore-chmod -r applies to the whole subtree" \
	'd = "1"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (b0,r5)
 f = "3" . . . . . . . . . . . . . . . . . . . . . . . . . .  (b0,r5)
e = "two words"  . . . . . . . . . . . . . . . . . . . . . .  (b0,r5)' xenstore-ls -p /c
xenstore-write /c/new x
expect "a node created later inherits its parent's permissions" \
	'new = "x"  . . . . . . . . . . . . . . . . . . . . . . . . .  (b0,r5)' sh -c "xenstore-ls -p /c | grep new"

xenstore-write /secret s
expect_fail "a guest's xenstore-read of a dom0-only node is denied" "couldn't read path /secret" env XENSTORED_PATH=$dir/dom5 xenstore-read /secret
expect_fail "a guest's xenstore-write there is denied" "could not write path /secret" env XENSTORED_PATH=$dir/dom5 xenstore-write /secret x
expect_fail "a guest's xenstore-ls / reports Permission denied" "Permission denied" env XENSTORED_PATH=$dir/dom5 xenstore-ls /
expect_fail "a guest's xenstore-rm is denied" "could not remove path /secret" env XENSTORED_PATH=$dir/dom5 xenstore-rm /secret
expect_fail "a guest's xenstore-chmod reports Permission denied" "Permission denied" env XENSTORED_PATH=$dir/dom5 xenstore-chmod /secret b5
expect "an ACL entry r5 lets the guest read" "1" env XENSTORED_PATH=$dir/dom5 xenstore-read /c/d
expect_fail "but not write" "could not write path" env XENSTORED_PATH=$dir/dom5 xenstore-write /c/d 2
xenstore-write /local/domain/5 ""
xenstore-chmod /local/domain/5 n5
env XENSTORED_PATH=$dir/dom5 xenstore-write data/x guestval
expect "a guest's relative path lands under /local/domain/5" "guestval" xenstore-read /local/domain/5/data/x
expect "what a guest creates, it owns" '/local/domain/5/data/x = "guestval"   (n5)' \
	sh -c "xenstore-ls -fp /local/domain/5/data | sed 's/ \.//g'"

xenstore-write /w/init 0
timeout 10 xenstore-watch -n 3 /w >"$dir/watch" 2>&1 &
wpid=$!
sleep 0.5
xenstore-write /w/x 1
xenstore-rm /w
wait $wpid
expect "xenstore-watch sees the initial event, a write below and the rm" "/w
/w/x
/w" cat "$dir/watch"

xenstore-rm /a/b
expect_fail "after xenstore-rm the node is gone" "couldn't read path /a/b" xenstore-read /a/b
expect "xenstore-rm leaves the parent" "" xenstore-read /a
xenstore-write /q/r/s x
xenstore-rm -t /q/r/s
expect_fail "xenstore-rm -t tidies empty parents away" "couldn't read path /q" xenstore-read /q

expect "xenstore-control check reports OK" "OK" $ctl check
expect_fail "xenstore-control with an unknown command is refused" "Command not supported" $ctl bogus
$ctl quota nodes 500 >/dev/null
expect "xenstore-control quota sets and shows a quota" "nodes              500" sh -c "$ctl quota | grep '^nodes '"

if grep -q "IN conn .* WRITE .*(/a/b hello)" "$dir/trace"; then
	pass "-T traces every message (the first WRITE is there)"
else
	fail "-T traces every message" "no WRITE line in $dir/trace"
fi

# Daemon mode as Xen's tools start it: forks, -P prints the pid, -F writes
# it; the socket is found through XENSTORED_RUNDIR alone.
mkdir -p "$dir/run"
printed=$(env -u XENSTORED_PATH XENSTORED_RUNDIR="$dir/run" timeout 10 \
	"$daemon" -D -P -F "$dir/pid")
filed=$(cat "$dir/pid" 2>/dev/null)
if [ -n "$printed" ] && [ "$printed" = "$filed" ] && kill -0 "$filed" 2>/dev/null; then
	pass "xenstored forks into the background; -P and -F give its pid"
else
	fail "xenstored forks into the background" "printed '$printed', pid file '$filed'"
fi
env -u XENSTORED_PATH XENSTORED_RUNDIR="$dir/run" xenstore-write /rundir ok
expect "clients find it through XENSTORED_RUNDIR (\$XENSTORED_RUNDIR/socket)" "ok" \
	env -u XENSTORED_PATH XENSTORED_RUNDIR="$dir/run" xenstore-read /rundir
[ -n "$filed" ] && kill "$filed" 2>/dev/null

if kill -0 $pid 2>/dev/null; then
	pass "xenstored still runs after the conformance run"
	kill $pid
	wait $pid
else
	fail "xenstored still runs after the conformance run" "it died: $(cat "$dir/log")"
fi
[ $fails = 0 ] && rm -rf "$dir"
[ $fails = 0 ]
