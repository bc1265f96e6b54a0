# Checks of xltest=ours (images/xl-dom0/ours.sh), sourced by run.sh: our
# xl builds the same guest Debian's xl builds, with the xenstore layout
# Debian's tools expect, and acts on its shutdown and reboot.
step_ok ours-create "our xl create builds the PVH guest from Debian's xl.cfg"
step_ok ours-guest-console "the guest our xl built reaches /init and talks on its console (Debian's xenconsoled)"
check "the guest says it runs as a PVH domU" 'out ours-guest-console | grep -q "DOMU-UP: type=PVH"'
check "our xl keeps the kernel it unpacked (one file in /var/cache/bastion/kernels)" \
	'[ "$(out ours-kcache | grep -c "\.elf$")" = 1 ]'
step_ok ours-list "our xl list runs"
check "our xl list shows the guest" 'out ours-list | grep -qE "^anchor-pvh +[0-9]+ +25[0-9] +1 "'
check "Debian's xl list shows the guest our xl made, by name" 'out ours-debian-list | grep -qE "^anchor-pvh +[0-9]+ "'
got=$(out ours-list | awk '{ print $1, $2, $3, $4, $5 }' | tr '\n' ';')
want=$(out ours-debian-list | awk '{ print $1, $2, $3, $4, $5 }' | tr '\n' ';')
check "our xl list prints what Debian's prints (but the CPU time)" '[ -n "$got" ] && [ "$got" = "$want" ]'
got=$(out ours-list-l | grep -v '^\(libxl\|xl\): ')
want=$(out ours-debian-list-l | grep -v '^\(libxl\|xl\): ')
check "our xl list -l prints what Debian's xl list -l prints for dom0 and the guest our xl made" \
	'[ -n "$got" ] && echo "$want" | grep -q "\"name\": \"anchor-pvh\"" && [ "$got" = "$want" ]'
check "the guest's console node is the console daemon's pty" \
	'out ours-xenstore | grep -qE "^/local/domain/[0-9]+/console/tty = \"/dev/pts/[0-9]+\""'
check "the guest's frontend nodes are read-only for it" \
	'out ours-xenstore | grep -qE "^/local/domain/[0-9]+/console = \"\" +\(n0,r[0-9]+\)$"'
check "the guest's store ring is at the magic page 0xfeffc" \
	'out ours-xenstore | grep -qE "^/local/domain/[0-9]+/store/ring-ref = \"1044476\""'
check "libxl's type node says pvh" 'out ours-xenstore | grep -qE "^/libxl/[0-9]+/type = \"pvh\""'
step_ok ours-vcpu-list "our xl vcpu-list shows the guest's vCPU"
step_ok ours-console "Debian's xl console reaches the guest our xl made, both ways"
step_ok ours-xl-console "our xl console reaches it too, both ways"
step_ok ours-state-boot "the guest boots with one of its two vCPUs (maxvcpus=2) and reports its state"
step_ok ours-vcpu-set-2 "our xl vcpu-set 2"
step_ok ours-vcpu-seen-2 "... and inside the guest the second vCPU appears and comes online"
step_ok ours-vcpu-set-1 "our xl vcpu-set 1"
step_ok ours-vcpu-seen-1 "... and inside the guest the second vCPU goes away"
step_ok ours-mem-set-g "our xl mem-set 200m"
step_ok ours-mem-seen-g "... and inside the guest the balloon driver's target drops to just under 204800 KiB and its reservation follows"
check "Debian's xl list shows the guest at 200 MiB after the balloon gave memory back" \
	'out ours-mem-list | grep -qE "^anchor-pvh +[0-9]+ +200 +1 "'
step_ok ours-shutdown "our xl shutdown -w waits for the guest to power off"
step_ok ours-gone "after on_poweroff=destroy the guest is gone"
check "the watcher logged the guest's power-off and destroyed it" \
	'out ours-watcher-log | grep -q "Action for shutdown reason code 0 is destroy"'
step_ok ours-create-r "our xl create with on_reboot=restart"
step_ok ours-boot-r "that guest boots"
step_ok ours-reboot "our xl reboot asks it to reboot"
step_ok ours-restarted "the rebooted guest is built again and boots (on_reboot=restart)"
check "the watcher logged the reboot and the restart" \
	'out ours-restarted | grep -q "Action for shutdown reason code 1 is restart" && out ours-restarted | grep -q "Rebooting now"'
step_ok ours-destroy "our xl destroy ends the restarted guest"
step_ok ours-gone-r "and it is gone"
for tag in zstd gzip elf; do
	case $tag in
	zstd) what="Debian's 6.12 kernel, a zstd bzImage" ver='6\.12\.' ;;
	gzip) what="the 6.1 kernel as a gzip bzImage" ver='6\.1\.' ;;
	elf) what="the 6.1 kernel's ELF vmlinux" ver='6\.1\.' ;;
	esac
	step_ok ours-kernel-$tag "our xl create with $what"
	step_ok ours-kernel-$tag-init "... which boots as a PVH domU to /init"
	check "... and the kernel running there is the one given ($ver)" \
		"out ours-kernel-$tag-init | grep -qE 'DOMU-UP: type=PVH .* kernel=$ver'"
	step_ok ours-kernel-$tag-destroy "our xl destroy of that guest"
done
