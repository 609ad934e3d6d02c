#define _GNU_SOURCE
#include "harness.h"
#include "case_values.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "stats.h"
#include "units.h"
#include "util.h"



/* The signal that asked the run to stop (SIGINT, SIGTERM), or 0. */
static volatile sig_atomic_t interrupt_signal;

static void on_interrupt(int sig)
{
	interrupt_signal = sig;
	signal(sig, SIG_DFL); /* a second one ends the run at once */
}

void harness_catch_interrupts(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_RESTART; /* the sample in flight finishes */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void harness_init(struct harness *h, const struct topo *topo, const struct event_set *events,
		  struct sample_sink sink, struct progress *progress)
{
	memset(h, 0, sizeof(*h));
	h->topo = topo;
	h->events = events;
	h->sink = sink;
	h->sampler = (struct sampler){ .kstat = &h->kstat, .events = events, .vm_before = &h->vm_before,
				       .vm_after = &h->vm_after };
	h->progress = progress;
	kstat_open(&h->kstat);
	model_probe(&h->model, &h->kstat);
}

void harness_close(struct harness *h)
{
	kstat_close(&h->kstat);
}

static int case_check(const struct case_params *p, struct case_summary *sum)
{
	if (backing_unavailable(p->backing, p->size, sum->why, sizeof(sum->why))) {
		sum->skipped = true;
		return -1;
	}
	if ((p->backing == BACKING_THP || p->backing == BACKING_HUGETLB) && p->size % PAGE_TABLE_SPAN) {
		snprintf(sum->why, sizeof(sum->why), "%s needs a size that is a multiple of 2 MiB",
			 backing_name(p->backing));
		sum->failed = true;
		return -1;
	}
	return 0;
}

/* Pick the case's PUs and bind the measuring thread to the first. */
static int place(struct harness *h, const struct case_params *p, hwloc_obj_t *pus, int *cpu_ids,
		 struct case_summary *sum)
{
	int ran_on;

	if (placement_pick(h->topo, p->placement, p->cpus, pus, sum->why, sizeof(sum->why)) < 0)
		return -1;
	for (int i = 0; i < p->cpus; i++)
		cpu_ids[i] = (int)pus[i]->os_index;
	ran_on = topo_bind_thread(h->topo, pus[0]->cpuset, sum->why, sizeof(sum->why));
	if (ran_on < 0)
		return -1;
	if (ran_on != cpu_ids[0]) {
		snprintf(sum->why, sizeof(sum->why), "the measuring thread runs on CPU %d, not on CPU %d", ran_on,
			 cpu_ids[0]);
		return -1;
	}
	return 0;
}

/* A case in progress, kept between visits when cases are interleaved. */
struct case_run {
	const struct case_params *p;
	struct case_summary *sum;
	hwloc_obj_t *pus;
	int *cpu_ids;
	struct wl_ctx ctx;
	struct case_values cv;
	int taken; /* samples taken, warmup included */
	int first_iteration; /* of this run's first measured sample: after a resumed run's */
	int prior_n;         /* measured samples an earlier run took */
	uint64_t start_ns;
	int failed_in_a_row;
	bool done;
};

/* A sample that failed (an exit child killed, say): recorded as such, not
 * measured; the case goes on unless it keeps failing. */
static bool sample_failed(struct harness *h, struct case_run *cr, const struct sample *s)
{
	fprintf(stderr, "\ntlbbench: sample %d failed: %s\n", s->iteration, cr->ctx.why);
	if (s->iteration >= 0)
		h->sink.failed_sample(h->sink.ctx, s, cr->ctx.why);
	cr->sum->failed_samples += s->iteration >= 0;
	if (++cr->failed_in_a_row < CASE_MAX_FAILED_IN_A_ROW)
		return true;
	snprintf(cr->sum->why, sizeof(cr->sum->why), "%d samples in a row failed; the last: %.400s", cr->failed_in_a_row,
		 cr->ctx.why);
	cr->sum->failed = true;
	return false;
}

/* Take one sample of the case and book it; false when the case is done. */
static bool next_sample(struct harness *h, struct case_run *cr, struct remote_set *remotes, struct remote_pmu *rpmu)
{
	const struct case_params *p = cr->p;
	int planned = p->warmup + (p->ci_target > 0 ? p->max_iterations : p->iterations) - cr->prior_n;
	int iteration = cr->taken - p->warmup;
	struct sample s = { .params = p, .case_index = cr->sum->case_index,
			    .iteration = iteration < 0 ? iteration : iteration + cr->first_iteration,
			    .cpu_ids = cr->cpu_ids, .model_flushes = cr->sum->model_flushes };

	int ret = take_sample(&h->sampler, &cr->ctx, remotes, rpmu, &s);

	if (ret < 0) {
		snprintf(cr->sum->why, sizeof(cr->sum->why), "%s", cr->ctx.why);
		cr->sum->failed = true;
		return false;
	}
	progress_sample(h->progress, ++cr->taken, planned);
	if (ret == WL_SAMPLE_FAILED)
		return sample_failed(h, cr, &s);
	cr->failed_in_a_row = 0;
	if (s.iteration < 0)
		return true;
	h->sink.sample(h->sink.ctx, &s);
	if (case_values_add(&cr->cv, cr->sum, &s) < 0) {
		snprintf(cr->sum->why, sizeof(cr->sum->why), "out of memory");
		cr->sum->failed = true;
		return false;
	}
	cr->sum->stop_reason = case_values_stop_reason(&cr->cv, p, cr->start_ns);
	return !cr->sum->stop_reason;
}

/* One unmeasured sample, when a case is resumed after others ran: it lets the
 * state they left (the mm's CPU mask, caches) settle as a warmup would. */
static bool settle(struct harness *h, struct case_run *cr, struct remote_set *remotes, struct remote_pmu *rpmu)
{
	struct sample s = { .params = cr->p, .iteration = -1, .cpu_ids = cr->cpu_ids };

	/* A failed settling sample is only one unmeasured sample less. */
	if (take_sample(&h->sampler, &cr->ctx, remotes, rpmu, &s) >= 0)
		return true;
	snprintf(cr->sum->why, sizeof(cr->sum->why), "%s", cr->ctx.why);
	cr->sum->failed = true;
	return false;
}

/* Place the threads, start the remote ones, take up to max samples, stop them. */
static void visit(struct harness *h, struct case_run *cr, int max)
{
	const struct case_params *p = cr->p;
	/* The exit workload starts its remote threads in its child. */
	int own_remotes = p->workload->owns_remote_threads ? 0 : p->cpus - 1;
	struct remote_set remotes;
	struct remote_pmu rpmu;
	bool more = true;

	if (place(h, p, cr->pus, cr->cpu_ids, cr->sum) < 0) {
		cr->sum->failed = true;
		cr->done = true;
		return;
	}
	remote_pmu_open(&rpmu, h->events, &cr->cpu_ids[1], p->cpus - 1);
	if (remote_start(&remotes, p->remote, h->topo, &cr->pus[1], own_remotes, cr->sum->why,
			 sizeof(cr->sum->why)) < 0) {
		cr->sum->failed = true;
		more = false;
	}
	if (more && cr->taken > 0 && cr->taken >= p->warmup)
		more = settle(h, cr, &remotes, &rpmu);
	for (int i = 0; more && i < max && !interrupt_signal; i++)
		more = next_sample(h, cr, &remotes, &rpmu);
	cr->done = !more;
	remote_stop(&remotes);
	remote_pmu_close(&rpmu);
}

/* Go on from what an earlier run of the case took: its samples count, its
 * iterations go on after them; a case it finished stays as it ended. */
static int case_resume(struct case_run *cr, const struct case_prior *pr)
{
	struct case_summary *sum = cr->sum;

	if (case_values_add_prior(&cr->cv, pr) < 0)
		return -1;
	cr->prior_n = pr->n;
	cr->first_iteration = pr->next_iteration;
	sum->failed_samples = pr->failed_samples;
	sum->flushes_ok = pr->flushes_ok;
	sum->ipis_ok = pr->ipis_ok;
	sum->baseline_ok = pr->baseline_ok;
	sum->activations_ok = pr->activations_ok;
	if (!pr->finished)
		return 0;
	sum->skipped = pr->skipped;
	sum->failed = pr->failed;
	sum->stop_reason = pr->stop_reason;
	snprintf(sum->why, sizeof(sum->why), "%s", pr->why);
	cr->done = true;
	return 0;
}

static int case_open(struct harness *h, int index, const struct case_params *p, const struct case_prior *prior,
		     struct case_summary *sum, struct case_run *cr)
{
	memset(sum, 0, sizeof(*sum));
	memset(cr, 0, sizeof(*cr));
	sum->params = *p;
	sum->case_index = index;
	sum->model_flushes = model_flushes(&h->model, p->workload->model_zap, p->backing, p->touch, p->dirty_tables, p->size);
	cr->p = p;
	cr->sum = sum;
	cr->pus = calloc((size_t)p->cpus, sizeof(*cr->pus));
	cr->cpu_ids = calloc((size_t)p->cpus, sizeof(*cr->cpu_ids));
	cr->ctx = (struct wl_ctx){ .params = p, .topo = h->topo, .pus = cr->pus, .cpu_ids = cr->cpu_ids };
	cr->start_ns = monotonic_raw_ns();
	if (prior && case_resume(cr, prior) < 0)
		snprintf(sum->why, sizeof(sum->why), "out of memory");
	else if (cr->done)
		return -1; /* finished by the earlier run */
	else if (cr->pus && cr->cpu_ids && case_check(p, sum) == 0)
		return 0;
	sum->failed = !sum->skipped;
	if (!cr->pus || !cr->cpu_ids)
		snprintf(sum->why, sizeof(sum->why), "out of memory");
	cr->done = true;
	return -1;
}

/* Statistics, the case's line in cases.jsonl (skipped and refused cases too), the case's memory. */
static void case_close(struct harness *h, struct case_run *cr)
{
	case_values_summarise(&cr->cv, cr->sum);
	h->sink.case_done(h->sink.ctx, cr->sum);
	case_values_free(&cr->cv);
	free(cr->pus);
	free(cr->cpu_ids);
	cr->pus = NULL;
	cr->cpu_ids = NULL;
}

static void say_outcome(const struct case_summary *sum, const char *label, int *status)
{
	if (sum->skipped) {
		fprintf(stderr, "tlbbench: skipped: %s\n", sum->why);
	} else if (sum->failed) {
		fprintf(stderr, "tlbbench: %s: refused: %s\n", label, sum->why);
		*status = 1;
	}
}

/* After an interrupt: every case not done gets its line in cases.jsonl, marked
 * interrupted, with the samples it has. */
static void close_interrupted(struct harness *h, const struct case_params *cases, int n, struct case_run *runs,
			      struct case_summary *sums)
{
	for (int i = 0; i < n; i++) {
		struct case_run *cr = &runs[i];

		if (cr->done)
			continue;
		if (!cr->sum) {
			memset(&sums[i], 0, sizeof(sums[i]));
			sums[i].params = cases[i];
			sums[i].case_index = i;
			sums[i].model_flushes = -1;
			cr->sum = &sums[i];
		}
		cr->sum->interrupted = true;
		snprintf(cr->sum->why, sizeof(cr->sum->why), "interrupted by signal %d after %d measured samples",
			 (int)interrupt_signal, cr->cv.n);
		case_close(h, cr);
	}
}

int harness_run(struct harness *h, const struct case_params *cases, int n, bool interleave,
		struct case_summary *sums)
{
	struct case_run *runs = calloc((size_t)(n ? n : 1), sizeof(*runs));
	char label[200];
	int status = 0, active = n;

	if (!runs)
		return -1;
	/* Sequential: each case's samples in a row. Interleave: one sample of each
	 * case per round, so a slow spell of the machine spreads over every case. */
	for (int round = 0; active && !interrupt_signal; round++) {
		active = 0;
		for (int i = 0; i < n && !interrupt_signal; i++) {
			struct case_run *cr = &runs[i];
			const struct case_prior *prior = h->priors ? &h->priors[i] : NULL;

			if (round == 0 && case_open(h, i, &cases[i], prior, &sums[i], cr) < 0) {
				say_outcome(&sums[i], case_label(&cases[i], label, sizeof(label)), &status);
				case_close(h, cr);
				continue;
			}
			if (cr->done)
				continue;
			progress_case(h->progress, i, case_label(&cases[i], label, sizeof(label)), round == 0);
			visit(h, cr, interleave ? 1 : INT_MAX);
			progress_break(h->progress);
			if (cr->done) {
				say_outcome(cr->sum, label, &status);
				case_close(h, cr);
			} else {
				active++;
			}
		}
	}
	if (interrupt_signal) {
		close_interrupted(h, cases, n, runs, sums);
		status = 128 + interrupt_signal;
	}
	free(runs);
	return status;
}
