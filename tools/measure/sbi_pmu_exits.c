// SPDX-License-Identifier: GPL-2.0-only
/*
 * sbi_pmu_exits - count the VM exits of SBI PMU guest workloads
 *
 * The counts come from KVM's own statistics: the binary stats file of the
 * vCPU (KVM_GET_STATS_FD).  Each workload runs between two ucalls; the
 * host reads the statistics at both and prints the difference, less the
 * closing ucall (itself one SBI call, so one exit).
 *
 * Workloads:
 *   empty        nothing (control: must be 0)
 *   fw_read      N x SBI PMU counter_fw_read of a configured firmware counter
 *   set_timer    N x SBI TIME set_timer(-1)
 *   csr_read     one csrr of each of the C configured hardware counters
 *                (cycle, instret, hpmcounterX: they trap, hcounteren is 0x2)
 *   stop_snap    one SBI PMU counter_stop(TAKE_SNAPSHOT) of the same C counters
 *
 * "exits" is the vCPU's count of all exits ("exits" statistic).  It also
 * counts the host interrupts (the host timer tick) taken while the guest
 * ran, so its minimum and maximum over the repetitions are printed.  KVM
 * attributes some exits to a cause: "csr" (csr_exit_kernel+csr_exit_user)
 * is exact; "ecall" (ecall_exit_stat) counts only the SBI calls forwarded
 * to userspace, not those handled in the kernel.  "sync" is the sum of the
 * attributed exits (ecall, CSR, MMIO, WFI, WRS).
 *
 * Usage: sbi_pmu_exits [-n calls] [-r repetitions]
 * Output: one line per workload:
 *   # exits: workload=<w> n=<n> reps=<r> runs=<k> sync=<s> sync_max=<s> ecall=<e>
 *            csr=<c> exits_min=<x> exits_max=<x>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "sbi.h"
#include "test_util.h"
#include "ucall_common.h"

#define SBI_EXT_TIME_ID		0x54494D45
#define SBI_EXT_TIME_SET_TIMER	0

#define SNAPSHOT_GPA		BIT(30)
#define MAX_COUNTERS		64
/* SBI calls per measured run: short enough to run between two host ticks */
#define CHUNK			50
#define SBI_PMU_EVENT_TYPE_FW	0xf
#define FW_EVENT(code)		((SBI_PMU_EVENT_TYPE_FW << 16) | (code))
#define SBI_PMU_FW_SET_TIMER	5
/* DTLB read miss: a cache event QEMU's OpenSBI maps to hpmcounter3 and up */
#define HW_CACHE_DTLB_RD_MISS	0x10019

enum phase { PHASE_BEGIN, PHASE_END };

enum workload {
	W_EMPTY,
	W_FW_READ,
	W_SET_TIMER,
	W_CSR_READ,
	W_STOP_SNAP,
	NR_WORKLOADS,
};

static const char * const workload_name[NR_WORKLOADS] = {
	[W_EMPTY] = "empty",
	[W_FW_READ] = "fw_read",
	[W_SET_TIMER] = "set_timer",
	[W_CSR_READ] = "csr_read",
	[W_STOP_SNAP] = "stop_snap",
};

/* Set by the host before the guest runs. */
static unsigned long nr_calls = 1000;
static unsigned long nr_reps = 10;

/* Guest state. */
static unsigned long fw_idx;
static unsigned long hw_mask;
static unsigned long hw_csr[MAX_COUNTERS];
static unsigned long nr_hw;
static unsigned long csr_sink;

static unsigned long read_counter_csr(unsigned long csr)
{
	switch (csr) {
	case CSR_CYCLE:
		return csr_read(CSR_CYCLE);
	case CSR_INSTRET:
		return csr_read(CSR_INSTRET);
	case CSR_HPMCOUNTER3:
		return csr_read(CSR_HPMCOUNTER3);
	case CSR_HPMCOUNTER4:
		return csr_read(CSR_HPMCOUNTER4);
	case CSR_HPMCOUNTER5:
		return csr_read(CSR_HPMCOUNTER5);
	case CSR_HPMCOUNTER6:
		return csr_read(CSR_HPMCOUNTER6);
	case CSR_HPMCOUNTER7:
		return csr_read(CSR_HPMCOUNTER7);
	case CSR_HPMCOUNTER8:
		return csr_read(CSR_HPMCOUNTER8);
	case CSR_HPMCOUNTER9:
		return csr_read(CSR_HPMCOUNTER9);
	case CSR_HPMCOUNTER10:
		return csr_read(CSR_HPMCOUNTER10);
	case CSR_HPMCOUNTER11:
		return csr_read(CSR_HPMCOUNTER11);
	case CSR_HPMCOUNTER12:
		return csr_read(CSR_HPMCOUNTER12);
	case CSR_HPMCOUNTER13:
		return csr_read(CSR_HPMCOUNTER13);
	case CSR_HPMCOUNTER14:
		return csr_read(CSR_HPMCOUNTER14);
	case CSR_HPMCOUNTER15:
		return csr_read(CSR_HPMCOUNTER15);
	case CSR_HPMCOUNTER16:
		return csr_read(CSR_HPMCOUNTER16);
	case CSR_HPMCOUNTER17:
		return csr_read(CSR_HPMCOUNTER17);
	case CSR_HPMCOUNTER18:
		return csr_read(CSR_HPMCOUNTER18);
	default:
		GUEST_FAIL("no read for counter CSR 0x%lx", csr);
		return 0;
	}
}

static struct sbiret pmu_call(int fid, unsigned long a0, unsigned long a1,
			      unsigned long a2, unsigned long a3)
{
	return sbi_ecall(SBI_EXT_PMU, fid, a0, a1, a2, a3, 0, 0);
}

static bool cfg_counter(unsigned long cbase, unsigned long cmask,
			unsigned long event)
{
	unsigned long flags = SBI_PMU_CFG_FLAG_CLEAR_VALUE;
	union sbi_pmu_ctr_info info;
	struct sbiret ret;

	ret = pmu_call(SBI_EXT_PMU_COUNTER_CFG_MATCH, cbase, cmask, flags,
		       event);
	if (ret.error)
		return false;
	GUEST_ASSERT(ret.value < MAX_COUNTERS);
	info.value = pmu_call(SBI_EXT_PMU_COUNTER_GET_INFO, ret.value, 0, 0,
			      0).value;
	GUEST_ASSERT(info.type == SBI_PMU_CTR_TYPE_HW);
	GUEST_ASSERT(!(hw_mask & BIT(ret.value)));
	hw_mask |= BIT(ret.value);
	hw_csr[ret.value] = info.csr;
	nr_hw++;
	return true;
}

static void guest_setup(void)
{
	unsigned long i, n, prog_mask = 0;
	union sbi_pmu_ctr_info info;
	struct sbiret ret;
	bool have_fw = false;

	ret = pmu_call(SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0);
	GUEST_ASSERT(!ret.error && ret.value <= MAX_COUNTERS);
	n = ret.value;
	for (i = 0; i < n; i++) {
		ret = pmu_call(SBI_EXT_PMU_COUNTER_GET_INFO, i, 0, 0, 0);
		if (ret.error)
			continue;
		info.value = ret.value;
		if (info.type == SBI_PMU_CTR_TYPE_FW && !have_fw) {
			fw_idx = i;
			have_fw = true;
		} else if (info.type == SBI_PMU_CTR_TYPE_HW && i >= 3) {
			prog_mask |= BIT(i);
		}
	}
	GUEST_ASSERT(have_fw);

	/*
	 * Configure the firmware counter before any read of it: reading an
	 * unconfigured one is an out-of-bounds read on an unfixed host.
	 * Counters are started by counter_start, not by AUTO_START, whose
	 * handling differs between the kernels compared.
	 */
	ret = pmu_call(SBI_EXT_PMU_COUNTER_CFG_MATCH, fw_idx, 1,
		       SBI_PMU_CFG_FLAG_CLEAR_VALUE,
		       FW_EVENT(SBI_PMU_FW_SET_TIMER));
	GUEST_ASSERT(!ret.error && ret.value == fw_idx);
	ret = pmu_call(SBI_EXT_PMU_COUNTER_START, fw_idx, 1, 0, 0);
	__GUEST_ASSERT(!ret.error, "fw counter_start: %ld", ret.error);

	/* The hardware counters read by csr_read and stop_snap. */
	GUEST_ASSERT(cfg_counter(0, BIT(0), SBI_PMU_HW_CPU_CYCLES));
	GUEST_ASSERT(cfg_counter(2, BIT(0), SBI_PMU_HW_INSTRUCTIONS));
	while (prog_mask & ~hw_mask) {
		if (!cfg_counter(0, prog_mask & ~hw_mask, HW_CACHE_DTLB_RD_MISS))
			break;
	}

	ret = pmu_call(SBI_EXT_PMU_COUNTER_START, 0, hw_mask, 0, 0);
	__GUEST_ASSERT(!ret.error, "counter_start: %ld", ret.error);

	ret = pmu_call(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, SNAPSHOT_GPA, 0, 0, 0);
	__GUEST_ASSERT(!ret.error, "snapshot_set_shmem: %ld", ret.error);
}

static void run_workload(enum workload w, unsigned long count)
{
	unsigned long i, sum = 0;
	struct sbiret ret;

	switch (w) {
	case W_EMPTY:
		break;
	case W_FW_READ:
		for (i = 0; i < count; i++) {
			ret = pmu_call(SBI_EXT_PMU_COUNTER_FW_READ, fw_idx, 0,
				       0, 0);
			GUEST_ASSERT(!ret.error);
		}
		break;
	case W_SET_TIMER:
		for (i = 0; i < count; i++) {
			ret = sbi_ecall(SBI_EXT_TIME_ID, SBI_EXT_TIME_SET_TIMER,
					-1UL, 0, 0, 0, 0, 0);
			GUEST_ASSERT(!ret.error);
		}
		break;
	case W_CSR_READ:
		for (i = 0; i < MAX_COUNTERS; i++)
			if (hw_mask & BIT(i))
				sum += read_counter_csr(hw_csr[i]);
		WRITE_ONCE(csr_sink, sum);
		break;
	case W_STOP_SNAP:
		ret = pmu_call(SBI_EXT_PMU_COUNTER_STOP, 0, hw_mask,
			       SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT, 0);
		__GUEST_ASSERT(!ret.error, "counter_stop: %ld", ret.error);
		break;
	default:
		GUEST_FAIL("unknown workload %d", w);
	}
}

static void guest_code(void)
{
	unsigned long r, c, runs, count;
	struct sbiret ret;
	int w;

	guest_setup();
	for (w = 0; w < NR_WORKLOADS; w++) {
		/* The N SBI calls are made in runs of CHUNK calls. */
		count = w == W_FW_READ || w == W_SET_TIMER ? CHUNK : nr_hw;
		runs = count == CHUNK ? nr_calls / CHUNK : 1;
		/* Repetition 0 warms up and is not counted. */
		for (r = 0; r <= nr_reps; r++) {
			for (c = 0; c < runs; c++) {
				GUEST_SYNC_ARGS(PHASE_BEGIN, w, r, count, runs);
				run_workload(w, count);
				GUEST_SYNC_ARGS(PHASE_END, w, r, count, runs);
			}
			if (w != W_STOP_SNAP)
				continue;
			ret = pmu_call(SBI_EXT_PMU_COUNTER_START, 0, hw_mask,
				       0, 0);
			__GUEST_ASSERT(!ret.error, "counter_start: %ld",
				       ret.error);
		}
	}
	GUEST_DONE();
}

/* Host side: the vCPU binary statistics. */
enum stat_id {
	S_EXITS,
	S_ECALL,
	S_CSR_KERNEL,
	S_CSR_USER,
	S_MMIO_KERNEL,
	S_MMIO_USER,
	S_WFI,
	S_WRS,
	NR_STATS,
};

static const char * const stat_name[NR_STATS] = {
	[S_EXITS] = "exits",
	[S_ECALL] = "ecall_exit_stat",
	[S_CSR_KERNEL] = "csr_exit_kernel",
	[S_CSR_USER] = "csr_exit_user",
	[S_MMIO_KERNEL] = "mmio_exit_kernel",
	[S_MMIO_USER] = "mmio_exit_user",
	[S_WFI] = "wfi_exit_stat",
	[S_WRS] = "wrs_exit_stat",
};

struct vcpu_stats {
	int fd;
	struct kvm_stats_header header;
	struct kvm_stats_desc *descs;
	struct kvm_stats_desc *desc[NR_STATS];
};

static void stats_open(struct kvm_vcpu *vcpu, struct vcpu_stats *st)
{
	struct kvm_stats_desc *d;
	unsigned int i, s;

	st->fd = __vcpu_ioctl(vcpu, KVM_GET_STATS_FD, NULL);
	TEST_ASSERT(st->fd >= 0, KVM_IOCTL_ERROR(KVM_GET_STATS_FD, st->fd));
	read_stats_header(st->fd, &st->header);
	st->descs = read_stats_descriptors(st->fd, &st->header);
	for (i = 0; i < st->header.num_desc; i++) {
		d = get_stats_descriptor(st->descs, i, &st->header);
		for (s = 0; s < NR_STATS; s++)
			if (!strcmp(d->name, stat_name[s]))
				st->desc[s] = d;
	}
	TEST_ASSERT(st->desc[S_EXITS] && st->desc[S_ECALL],
		    "vCPU stats without exits/ecall_exit_stat");
}

static void stats_read(struct vcpu_stats *st, uint64_t *val)
{
	unsigned int s;

	for (s = 0; s < NR_STATS; s++) {
		val[s] = 0;
		if (st->desc[s])
			read_stat_data(st->fd, &st->header, st->desc[s],
				       &val[s], 1);
	}
}

struct result {
	uint64_t n;
	uint64_t reps;
	uint64_t runs;
	uint64_t rep, rep_runs, rep_sum;
	uint64_t sync_min, sync_max;
	uint64_t ecall, csr;
	uint64_t run_min, rep_max;
};

/*
 * One run of a workload: its exits, less the closing ucall.  A
 * repetition of N SBI calls is several runs; the exits of N calls are
 * given as runs times the fewest exits of one run (host interrupts only
 * ever add exits), and the most exits of a whole repetition.
 */
static void account(struct result *res, uint64_t rep, uint64_t runs,
		    const uint64_t *begin, const uint64_t *end)
{
	uint64_t d[NR_STATS], sync = 0;
	unsigned int s;

	for (s = 0; s < NR_STATS; s++)
		d[s] = end[s] - begin[s];
	/* The closing ucall is one SBI call, hence one exit. */
	TEST_ASSERT(d[S_ECALL] >= 1 && d[S_EXITS] >= 1, "no exit for the ucall");
	d[S_ECALL]--;
	d[S_EXITS]--;
	for (s = S_ECALL; s < NR_STATS; s++)
		sync += d[s];
	if (!res->reps && !res->rep_runs) {
		res->sync_min = sync;
		res->sync_max = sync;
		res->run_min = d[S_EXITS];
		res->rep_max = 0;
		res->rep = rep;
	}
	if (rep != res->rep) {
		res->rep = rep;
		res->rep_runs = 0;
		res->rep_sum = 0;
	}
	res->runs = runs;
	res->sync_min = min(res->sync_min, sync * runs);
	res->sync_max = max(res->sync_max, sync * runs);
	res->run_min = min(res->run_min, d[S_EXITS]);
	res->ecall += d[S_ECALL];
	res->csr += d[S_CSR_KERNEL] + d[S_CSR_USER];
	res->rep_sum += d[S_EXITS];
	if (++res->rep_runs == runs) {
		res->rep_max = max(res->rep_max, res->rep_sum);
		res->reps++;
	}
}

static void help(const char *name)
{
	pr_info("%s [-n calls] [-r repetitions]\n", name);
	exit(KSFT_FAIL);
}

int main(int argc, char *argv[])
{
	uint64_t begin[NR_STATS], now[NR_STATS];
	struct result res[NR_WORKLOADS] = {};
	struct vcpu_stats st = {};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	int opt, w;

	while ((opt = getopt(argc, argv, "n:r:h")) != -1) {
		switch (opt) {
		case 'n':
			nr_calls = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			nr_reps = strtoul(optarg, NULL, 0);
			break;
		default:
			help(argv[0]);
		}
	}
	TEST_ASSERT(nr_calls && nr_reps && !(nr_calls % CHUNK),
		    "calls must be a multiple of %d, repetitions > 0", CHUNK);

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	__TEST_REQUIRE(__vcpu_has_sbi_ext(vcpu, KVM_RISCV_SBI_EXT_PMU),
		       "SBI PMU not available, skipping");
	vm_init_vector_tables(vm);
	vcpu_init_vector_tables(vcpu);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, SNAPSHOT_GPA, 1,
				    1, 0);
	virt_map(vm, SNAPSHOT_GPA, SNAPSHOT_GPA, 1);
	sync_global_to_guest(vm, nr_calls);
	sync_global_to_guest(vm, nr_reps);
	stats_open(vcpu, &st);

	for (;;) {
		vcpu_run(vcpu);
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			w = uc.args[2];
			TEST_ASSERT(w >= 0 && w < NR_WORKLOADS, "bad workload");
			if (uc.args[1] == PHASE_BEGIN) {
				stats_read(&st, begin);
				break;
			}
			stats_read(&st, now);
			/* Repetition 0 is the warm-up. */
			if (uc.args[3])
				account(&res[w], uc.args[3], uc.args[5], begin,
					now);
			res[w].n = uc.args[4] * uc.args[5];
			break;
		case UCALL_DONE:
			goto done;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
			break;
		default:
			TEST_FAIL("unexpected ucall %lu", uc.cmd);
		}
	}
done:
	for (w = 0; w < NR_WORKLOADS; w++)
		printf("# exits: workload=%s n=%lu reps=%lu runs=%lu sync=%lu sync_max=%lu ecall=%lu csr=%lu exits_min=%lu exits_max=%lu\n",
		       workload_name[w], w == W_EMPTY ? 0 : res[w].n,
		       res[w].reps, res[w].runs, res[w].sync_min,
		       res[w].sync_max, res[w].ecall / res[w].reps,
		       res[w].csr / res[w].reps, res[w].run_min * res[w].runs,
		       res[w].rep_max);
	free(st.descs);
	close(st.fd);
	kvm_vm_free(vm);
	return 0;
}
