/* Background load for tests/stress-beside.sh: map, dirty and unmap an
 * anonymous region in a loop, as other programs on a busy machine do (page
 * faults, zaps, TLB flushes, IPIs to wherever it ran). Bounded: it stops by
 * itself after the given seconds. Usage: churn SECONDS MIB */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 0, end;
	size_t size = (argc > 2 ? strtoull(argv[2], NULL, 10) : 0) << 20;
	unsigned long rounds = 0;

	if (argc != 3 || !(seconds > 0) || !size) {
		fprintf(stderr, "usage: churn SECONDS MIB\n");
		return 2;
	}
	for (end = now() + seconds; now() < end; rounds++) {
		volatile char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("churn: mmap");
			return 1;
		}
		for (size_t off = 0; off < size; off += 4096)
			p[off] = 1;
		munmap((void *)p, size);
	}
	printf("churn: %lu rounds of %zu MiB\n", rounds, size >> 20);
	return 0;
}
