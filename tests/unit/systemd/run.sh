#!/bin/sh
# test-systemd: `make install` into a scratch root gives the tree a Debian
# dom0 needs (binaries, units, /etc/bastion/auto), systemd-analyze verify
# finds nothing wrong with the units there, and bastion-domains starts and
# stops the guests of an auto directory through a stand-in xl that logs
# what it is asked.
# Usage: run.sh WORKDIR XL XENSTORED CONSOLED CONSOLE INIT_DOM0 DM IMG
work=$1
shift
failed=0 passed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
rm -rf "$work" && mkdir -p "$work"
root=$work/root

if appliance/systemd/install.sh "$root" "$@" >"$work/install.log" 2>&1; then
	pass "install.sh fills a scratch root"
else
	fail "install.sh - $(tail -n 1 "$work/install.log")"
fi
for f in usr/lib/bastion/xl usr/lib/bastion/xenstored usr/lib/bastion/bastion-consoled \
	usr/lib/bastion/bastion-console usr/lib/bastion/bastion-init-dom0 usr/lib/bastion/bastion-domains usr/lib/bastion/bastion-dm \
	usr/lib/bastion/bastion-img usr/bin/bastion-img; do
	[ -x "$root/$f" ] && pass "installed /$f" || fail "installed /$f - missing or not executable"
done
[ "$(readlink "$root/usr/sbin/xl")" = ../lib/bastion/xl ] && pass "/usr/sbin/xl is our xl where none was" ||
	fail "/usr/sbin/xl is our xl - $(readlink "$root/usr/sbin/xl")"
[ -d "$root/etc/bastion/auto" ] && pass "/etc/bastion/auto exists" || fail "/etc/bastion/auto exists"
# a root that has Debian's xl keeps it
mkdir -p "$work/deb/usr/sbin" && echo '#!/bin/sh' >"$work/deb/usr/sbin/xl"
appliance/systemd/install.sh "$work/deb" "$@" >/dev/null 2>&1
[ ! -L "$work/deb/usr/sbin/xl" ] && pass "an existing /usr/sbin/xl (Debian's) is left alone" ||
	fail "an existing /usr/sbin/xl is left alone"

units=$(ls "$root"/lib/systemd/system/*.service 2>/dev/null)
[ "$(echo "$units" | wc -w)" = 4 ] && pass "4 units installed" || fail "4 units installed - got: $units"
# verify, in a root that is the host's system (its units, /bin, /sbin)
# with our tree and units in it, resolves every dependency and ExecStart=
vroot=$work/vroot
mkdir -p "$vroot/usr/bin" "$vroot/usr/sbin" "$vroot/usr/lib" "$vroot/lib/systemd"
ln -s usr/bin "$vroot/bin" && ln -s usr/sbin "$vroot/sbin"
cp -a "$root/usr/lib/bastion" "$vroot/usr/lib/bastion"
for cmd in $(sed -n 's/^Exec[A-Za-z]*=-\{0,1\}\([^ ]*\).*/\1/p' $units | sort -u); do
	case $cmd in /usr/lib/bastion/*) ;; *) cp "$(realpath "$cmd")" "$vroot/usr/${cmd#/usr}" 2>/dev/null ;; esac
done
cp -a /lib/systemd/system "$vroot/lib/systemd/system"
cp $units "$vroot/lib/systemd/system/"
if SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --root="$vroot" $(for u in $units; do basename "$u"; done) \
	>"$work/verify.log" 2>&1 && ! grep -q . "$work/verify.log"; then
	pass "systemd-analyze verify: the units, their dependencies and commands resolve"
else
	fail "systemd-analyze verify - $(head -n 3 "$work/verify.log" | tr '\n' ' ')"
fi
for u in bastion-init-dom0 bastion-consoled bastion-domains; do
	grep -q '^After=bastion-' "$root/lib/systemd/system/$u.service" &&
		pass "$u.service is ordered after the daemons it needs" || fail "$u.service ordering"
done

# bastion-domains against a stand-in xl: guests a (cfg name=), b (file name)
# and bad (create fails); a is running already.
fake=$work/xl
cat >"$fake" <<'XL'
#!/bin/sh
echo "$*" >>"$FAKE_LOG"
case $1 in
domid) grep -qx "$2" "$FAKE_RUNNING" ;;
create) case $2 in *bad.cfg) exit 1 ;; esac; echo "${2##*/}" | sed 's/.cfg$//' >>"$FAKE_RUNNING" ;;
list) echo "Name ID Mem VCPUs State Time(s)"; echo "Domain-0 0 1024 1 r----- 1.0"
	n=1; while read -r g; do echo "$g $n 128 1 -b---- 0.1"; n=$((n + 1)); done <"$FAKE_RUNNING" ;;
shutdown) [ -n "$FAKE_STUBBORN" ] || sed -i "/^$2\$/d" "$FAKE_RUNNING" ;;
destroy) sed -i "/^$2\$/d" "$FAKE_RUNNING" ;;
esac
XL
chmod +x "$fake"
auto=$work/auto && mkdir -p "$auto"
printf 'name = "a"\nmemory = 128\n' >"$auto/first.cfg"
printf 'memory = 128\n' >"$auto/b.cfg"
printf 'name="bad"\n' >"$auto/bad.cfg"
export FAKE_LOG=$work/xl.log FAKE_RUNNING=$work/running XL=$fake BASTION_AUTO=$auto
echo a >"$FAKE_RUNNING"
: >"$FAKE_LOG"
"$root/usr/lib/bastion/bastion-domains" start >"$work/start.out" 2>&1
rc=$?
[ $rc = 1 ] && pass "start reports the guest that failed (exit 1)" || fail "start exit status - got $rc"
grep -qx "create $auto/b.cfg" "$FAKE_LOG" && pass "start creates a guest not running yet" ||
	fail "start creates b - log: $(tr '\n' ';' <"$FAKE_LOG")"
! grep -q "create $auto/first.cfg" "$FAKE_LOG" && grep -q 'a already running' "$work/start.out" &&
	pass "start leaves a guest already running (by its name=) alone" || fail "start skips a"
grep -q "bad.cfg: xl create failed" "$work/start.out" && pass "start names the config that failed" ||
	fail "start names bad.cfg - $(cat "$work/start.out")"
BASTION_SHUTDOWN_WAIT=3 "$root/usr/lib/bastion/bastion-domains" stop >"$work/stop.out" 2>&1
[ ! -s "$FAKE_RUNNING" ] && grep -q 'shutdown a' "$FAKE_LOG" && ! grep -q 'destroy' "$FAKE_LOG" &&
	pass "stop shuts every guest down, dom0 never" || fail "stop - $(tr '\n' ';' <"$FAKE_LOG")"
echo a >"$FAKE_RUNNING"
FAKE_STUBBORN=1 BASTION_SHUTDOWN_WAIT=2 "$root/usr/lib/bastion/bastion-domains" stop >"$work/stop2.out" 2>&1
grep -q 'destroy a' "$FAKE_LOG" && grep -q 'still running after 2s' "$work/stop2.out" &&
	pass "stop destroys a guest that ignores the shutdown" || fail "stop destroys - $(cat "$work/stop2.out")"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
