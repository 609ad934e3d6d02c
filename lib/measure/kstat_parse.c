/* The text the flush counters are read from: the tlb_flush tracepoint's
 * format (its reasons), the TLB line of /proc/interrupts, the nr_tlb_* lines
 * of /proc/vmstat, and where tracefs is in the mount table. */
#define _GNU_SOURCE
#include "kstat_parse.h"

#include <ctype.h>
#include <mntent.h>
#include <stdlib.h>
#include <string.h>

#define LOCAL_MM_NAME "local_mm_shootdown"

const char *const vmstat_tlb_names[VMSTAT_TLB_COUNT] = {
	"nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
	"nr_tlb_local_flush_all", "nr_tlb_local_flush_one",
};

static const char *next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl ? nl + 1 : NULL;
}

/* "local MM shootdown" -> "local_mm_shootdown": names usable as JSON keys and CSV columns. */
static void reason_key(const char *from, size_t n, char *to, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < len; i++)
		to[j++] = isalnum((unsigned char)from[i]) ? (char)tolower((unsigned char)from[i]) : '_';
	to[j] = '\0';
}

int tlb_reasons_parse(const char *text, struct tlb_reasons *out)
{
	const char *p = strstr(text, "__print_symbolic(REC->reason");
	const char *pages = strstr(text, " pages;");

	memset(out, 0, sizeof(*out));
	out->local_mm = -1;
	out->pages_signed = pages && strncmp(strstr(pages, "signed:") ? strstr(pages, "signed:") : "", "signed:1", 8) == 0;
	if (!p)
		return -1;
	while ((p = strchr(p, '{')) && out->count < TLB_REASON_MAX) {
		int code, used = 0;
		const char *q, *end;

		if (sscanf(p, "{ %d , \"%n", &code, &used) < 1 || !used)
			break;
		q = p + used;
		end = strchr(q, '"');
		if (!end)
			break;
		out->code[out->count] = code;
		reason_key(q, (size_t)(end - q), out->name[out->count], sizeof(out->name[0]));
		if (strcmp(out->name[out->count], LOCAL_MM_NAME) == 0)
			out->local_mm = out->count;
		out->count++;
		p = end;
	}
	return out->count ? 0 : -1;
}

int interrupts_parse_tlb(const char *text, uint64_t *per_cpu, int max_cpus)
{
	int col_cpu[KSTAT_MAX_CPUS], cols = 0;
	const char *line = text, *p;

	/* The header names the CPU of each column: CPU0 CPU1 ... (offline CPUs are absent). */
	for (p = line; *p && *p != '\n' && cols < KSTAT_MAX_CPUS;) {
		int cpu, used;

		if (sscanf(p, " CPU%d%n", &cpu, &used) == 1) {
			col_cpu[cols++] = cpu;
			p += used;
		} else {
			p++;
		}
	}
	for (line = next_line(line); line; line = next_line(line)) {
		const char *s = line + strspn(line, " ");

		if (strncmp(s, "TLB:", 4) != 0)
			continue;
		s += 4;
		for (int c = 0; c < cols; c++) {
			char *end;
			unsigned long long v = strtoull(s, &end, 10);

			if (end == s)
				return -1;
			if (col_cpu[c] < max_cpus)
				per_cpu[col_cpu[c]] = v;
			s = end;
		}
		return 0;
	}
	return -1;
}

int vmstat_parse_tlb(const char *text, uint64_t *values)
{
	int found = 0;

	for (const char *line = text; line && *line; line = next_line(line))
		for (int i = 0; i < VMSTAT_TLB_COUNT; i++) {
			size_t n = strlen(vmstat_tlb_names[i]);

			if (strncmp(line, vmstat_tlb_names[i], n) == 0 && line[n] == ' ') {
				values[i] = strtoull(line + n, NULL, 10);
				found++;
			}
		}
	return found == VMSTAT_TLB_COUNT ? 0 : -1;
}

int tracefs_find(FILE *mounts, char *path, size_t len)
{
	struct mntent ent;
	char buf[4096];

	/* getmntent_r undoes the octal escapes (\040 ...) of mount points. */
	while (getmntent_r(mounts, &ent, buf, sizeof(buf)))
		if (strcmp(ent.mnt_type, "tracefs") == 0) {
			snprintf(path, len, "%s", ent.mnt_dir);
			return 0;
		}
	return -1;
}

int tracefs_mounted(char *path, size_t len)
{
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	int found = mounts ? tracefs_find(mounts, path, len) : -1;

	if (mounts)
		endmntent(mounts);
	return found;
}
