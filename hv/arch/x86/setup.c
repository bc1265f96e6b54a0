/*
 * The boot sequence.  The boot CPU arrives in hv_start() from head.S with
 * the loader's magic and information; it brings up the console, memory,
 * ACPI, interrupts, time, the other CPUs and hardware virtualization, in
 * that order, then idles.  Secondary CPUs arrive in ap_start().  Trouble
 * the machine can live with (a bad option, no virtualization) is
 * reported and the hv stays up; only a broken boot environment panics.
 */
#include "x86/setup.h"
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/hvm.h"
#include "x86/time.h"
#include "x86/traps.h"
#include "acpi.h"
#include "console.h"
#include "domain.h"
#include "dom0_build.h"
#include "power.h"
#include "vcpu_sched.h"
#include "vtime.h"
#include "cpu_loop.h"
#include "sched.h"
#include "x86/vcpu_switch.h"
#include "page_alloc.h"
#include "param.h"
#include "serial.h"

#define BASTION_VERSION "0.1"

extern const struct hv_param __start_hv_params[], __stop_hv_params[];
extern volatile unsigned ap_booting_cpu;
static struct boot_info boot_info;
static struct acpi_info acpi_info;
static uint8_t bsp_ist[8192] __aligned(16);
static unsigned trap_test_cpu; /* 0: off; N: CPU N takes a #UD once online */

HV_PARAM_UINT("trap_test_cpu", trap_test_cpu);

static const void *identity_map(uint64_t pa, uint64_t len)
{
	return pa + len <= GiB(4) && pa + len >= pa ? (const void *)(uintptr_t)pa : NULL;
}

static void report_option(const char *opt, size_t len, const char *why)
{
	printk("cmdline: option '%.*s' ignored: %s\n", (int)len, opt, why);
}

static char opt_sched[16] = "credit2";
HV_PARAM_STRING("sched", opt_sched);
static volatile bool sched_ready; /* CPUs enter their run loop from then on */

/* Until the scheduler is set up, secondary CPUs wait here. */
static void wait_for_sched(void)
{
	while (!__atomic_load_n(&sched_ready, __ATOMIC_ACQUIRE))
		__asm__ volatile("sti; hlt" ::: "memory");
	cpu_loop();
}

static void cpu_bring_up_local(struct percpu *pc)
{
	lapic_init_cpu();
	pc->apic_id = lapic_id();
	lapic_timer_start();
	fpu_init_cpu();
	if (cpu_loop_init_cpu())
		printk("smp: no memory for CPU %u's timers\n", pc->cpu_id);
	if (hvm && hvm->cpu_enable(pc))
		printk("hvm: could not enable %s on CPU %u\n", hvm->name, pc->cpu_id);
}

void ap_start(void)
{
	struct percpu *pc = &percpu[ap_booting_cpu];
	cpu_init_tables(pc, pc->tss.ist[0]);
	cpu_bring_up_local(pc);
	pc->online = true;
	if (trap_test_cpu && trap_test_cpu == pc->cpu_id)
		__asm__ volatile("ud2");
	wait_for_sched();
}

static void boot_memory_and_acpi(void)
{
	uint64_t usable = memory_init(&boot_info);
	printk("memory: %lu MiB usable RAM in %u ranges; %lu MiB free after the hv\n",
	       usable >> 20, boot_info.nr_mem, (hv_page_pool.free_pages * PAGE_SIZE) >> 20);
	const char *why;
	uint64_t rsdp = boot_info.rsdp ? 0 : acpi_find_rsdp(identity_map);
	if (acpi_parse(identity_map, rsdp, boot_info.rsdp, &acpi_info, &why))
		panic("acpi: %s: cannot find the CPUs and interrupt controllers", why);
	printk("acpi: revision %u RSDP%s; %u CPUs, %u I/O APICs, HPET %s\n", acpi_info.revision,
	       boot_info.rsdp ? " from the loader" : "", acpi_info.nr_cpus, acpi_info.nr_ioapics,
	       acpi_info.hpet_pa ? "present" : "absent");
}

static void boot_interrupts_and_time(struct percpu *bsp)
{
	lapic_setup(acpi_info.lapic_pa);
	lapic_init_cpu();
	bsp->apic_id = lapic_id();
	outb(0x21, 0xff); /* mask the legacy 8259 PICs: I/O APICs only */
	outb(0xa1, 0xff);
	unsigned pins = ioapic_mask_all(&acpi_info);
	printk("apic: %s mode, boot CPU APIC ID %u; %u I/O APIC pins masked\n",
	       lapic_x2apic ? "x2APIC" : "xAPIC", bsp->apic_id, pins);
	const char *source = tsc_calibrate(&acpi_info);
	printk("time: TSC %lu.%03lu MHz, calibrated against the %s\n", tsc_khz / 1000, tsc_khz % 1000,
	       source);
	vtime_init();
	power_init(&acpi_info);
	lapic_timer_calibrate();
	lapic_timer_start();
	fpu_init_cpu();
	if (cpu_loop_init_cpu())
		panic("boot: no memory for the boot CPU's timers");
	irq_enable();
}

/* Waits until every online CPU has taken a few timer ticks. */
static bool ticks_everywhere(unsigned nr_online)
{
	for (unsigned waited = 0; waited < 100; waited++) {
		unsigned ticking = 0;
		for (unsigned c = 0; c < nr_online; c++)
			ticking += percpu[c].online && percpu[c].timer_ticks >= 3;
		if (ticking == nr_online)
			return true;
		udelay(10000);
	}
	return false;
}

static void boot_virtualization(unsigned nr_online)
{
	unsigned enabled = 0;
	for (unsigned c = 0; c < nr_online; c++)
		enabled += percpu[c].hvm_enabled;
	printk("hvm: %s enabled on %u of %u CPUs\n", hvm->name, enabled, nr_online);
	hvm->report_features();
	uint64_t t0 = rdtsc();
	int rc = hvm->selftest();
	uint64_t t1 = rdtsc();
	printk("hvm: self-test %s in %lu us, at %lu us since reset (TSC)\n", rc ? "FAILED" : "passed",
	       tsc_to_us(t1 - t0), tsc_to_us(t1));
}

/* Pool-0 gets every CPU that came up, under the policy sched= names. */
static void boot_scheduler(unsigned online)
{
	const struct sched_ops *ops = sched_find(opt_sched);
	if (!ops) {
		printk("sched: no scheduler '%s' (credit2, null); using credit2\n", opt_sched);
		ops = sched_find(NULL);
	}
	vcpu_switch_report();
	if (!ops || cpupool_init(&cpupool0, 0, ops))
		panic("sched: cannot set up Pool-0");
	unsigned added = 0;
	for (unsigned c = 0; c < online; c++)
		added += percpu[c].online && !cpupool_add_cpu(&cpupool0, c);
	printk("sched: %s scheduler, Pool-0 has %u CPUs\n", ops->name, added);
}

/* Builds dom0 from the boot modules and starts its first vCPU. */
static void start_dom0(unsigned online)
{
	const char *why;
	int rc = dom0_build(&boot_info, online, &why);
	if (rc > 0) {
		printk("dom0: no kernel module given; idling\n");
		return;
	}
	if (rc < 0) {
		printk("dom0: cannot build it: %s; idling\n", why);
		return;
	}
	uint64_t freed = boot_modules_release(&boot_info);
	printk("dom0: boot modules freed (%lu KiB)\n", freed << (PAGE_SHIFT - 10));
	printk("dom0: starting d0v0 at %lu us since reset (TSC)\n", tsc_to_us(rdtsc()));
	sched_vcpu_flags(&hardware_domain->vcpu[0]->sched, 0, SVF_DOWN, now_ns());
}

/* The command line as XENVER_commandline shows it: GRUB 2 passes only the
 * options; other multiboot loaders (QEMU) put the image's name first. */
static const char *cmdline_without_image(const char *p, const char *loader)
{
	if (!p)
		return "";
	while (*p == ' ')
		p++;
	if (loader && !strncmp(loader, "GRUB 2", 6))
		return p;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

void hv_start(uint32_t magic, uint32_t info_pa)
{
	struct percpu *bsp = &percpu[0];
	const char *why;
	traps_init();
	cpu_init_tables(bsp, (uintptr_t)(bsp_ist + sizeof(bsp_ist)));
	bsp->online = true;
	printk("Bastion hypervisor %s (x86-64), entered at TSC %lu\n", BASTION_VERSION, rdtsc());
	int mb_err = multiboot_parse(magic, info_pa, identity_map, &boot_info, &why);
	if (!mb_err)
		hv_cmdline = cmdline_without_image(boot_info.cmdline, boot_info.loader_name);
	if (!mb_err)
		cmdline_parse(boot_info.cmdline, __start_hv_params, __stop_hv_params, report_option);
	serial_init();
	console_serial_ready(serial_putc);
	if (mb_err)
		panic("boot: %s", why);
	printk("boot: multiboot%d from %s; command line: %s\n", boot_info.mb_version,
	       boot_info.loader_name ? boot_info.loader_name : "an unnamed loader",
	       boot_info.cmdline ? boot_info.cmdline : "");
	boot_memory_and_acpi();
	boot_interrupts_and_time(bsp);
	if (!hvm_select(&why))
		printk("no hardware virtualization: %s; guests cannot run, the hv stays up\n", why);
	else if (hvm->cpu_enable(bsp))
		printk("hvm: could not enable %s on the boot CPU\n", hvm->name);
	unsigned online = smp_boot(&acpi_info);
	printk("smp: %u of %u CPUs online\n", online, acpi_info.nr_cpus);
	printk("time: periodic %u Hz tick %s\n", HV_TICK_HZ,
	       ticks_everywhere(online) ? "running on every CPU" : "NOT running on every CPU");
	if (hvm)
		boot_virtualization(online);
	printk("boot: done at %lu us since reset (TSC)\n", tsc_to_us(rdtsc()));
	console_end_boot();
	boot_scheduler(online);
	if (hvm)
		start_dom0(online);
	__atomic_store_n(&sched_ready, true, __ATOMIC_RELEASE);
	for (unsigned c = 1; c < online; c++)
		lapic_send_ipi(percpu[c].apic_id, APIC_ICR_FIXED | VEC_KICK);
	cpu_loop();
}
