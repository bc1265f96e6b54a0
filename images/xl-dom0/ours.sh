# xltest=ours (sourced by /init after the daemons are up): our own xl
# (appliance/xl, /usr/lib/bastion/xl) creates the test guest from the
# same xl.cfg Debian's xl uses; Debian's xl and xenstore tools look at it,
# and our xl controls and destroys it.  Step names start "ours-".
OXL=/usr/lib/bastion/xl
GUEST=anchor-pvh
OCONS=/var/log/xen/console/guest-$GUEST.log
if step ours-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'disk=[]' 'extra="console=hvc0 quiet"'; then
	sh_step ours-guest-console 300 "for i in \$(seq 560); do grep -q DOMU-IDLE $OCONS 2>/dev/null && break; sleep 0.5; done;
		cat $OCONS; grep -q DOMU-IDLE $OCONS"
	step ours-list 60 "$OXL" list
	step ours-debian-list 60 "${XL[@]}" list
	sh_step ours-xenstore 60 "xenstore-ls -fp /local/domain/\$($OXL domid $GUEST); xenstore-ls -fp /libxl/\$($OXL domid $GUEST)"
	step ours-vcpu-list 60 "$OXL" vcpu-list "$GUEST"
	sh_step ours-console 60 "{ (sleep 3; echo console-roundtrip; sleep 10) |
		timeout 10 script -qfc '$XLS console $GUEST' /dev/null || true; } | tr -d '\\r' | grep -m 1 'DOMU-ECHO: console-roundtrip'"
	sh_step ours-xl-console 60 "{ (sleep 3; echo our-console-roundtrip; sleep 10) |
		timeout 10 script -qfc '$OXL console $GUEST' /dev/null || true; } | tr -d '\\r' | grep -m 1 'DOMU-ECHO: our-console-roundtrip'"
	step ours-shutdown 120 "$OXL" shutdown -w "$GUEST"
	sh_step ours-gone 90 "$(gone $GUEST)"
	sh_step ours-watcher-log 10 "cat /var/log/xen/xl-$GUEST.log"
else
	skip ours-guest-console ours-list ours-debian-list ours-xenstore ours-vcpu-list ours-console ours-xl-console ours-shutdown \
		ours-gone ours-watcher-log
fi
# xl reboot with on_reboot=restart: the watcher builds the guest again.
idle_count() { echo "\$(cat $OCONS 2>/dev/null | grep -c DOMU-IDLE)"; }
wait_idle() { # wait_idle N: until the console log has N DOMU-IDLE lines
	echo "for i in \$(seq 560); do [ $(idle_count) -ge $1 ] && exit 0; sleep 0.5; done; echo only $(idle_count); exit 1"
}
if step ours-create-r 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'disk=[]' 'on_reboot="restart"' \
	'extra="console=hvc0 quiet"'; then
	sh_step ours-boot-r 300 "$(wait_idle 2)"
	step ours-reboot 60 "$OXL" reboot "$GUEST"
	sh_step ours-restarted 300 "( $(wait_idle 3) ) && cat /var/log/xen/xl-$GUEST.log && $OXL list $GUEST"
	step ours-destroy 60 "$OXL" destroy "$GUEST"
	sh_step ours-gone-r 90 "$(gone $GUEST)"
else
	skip ours-boot-r ours-reboot ours-restarted ours-destroy ours-gone-r
fi
