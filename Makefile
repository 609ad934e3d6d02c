# tlbbench: `make` builds, `make bench` runs the quick sweep, `make test` runs every test.
CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -pthread -MMD -MP
GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# lib/ in two halves and what both use; cmd/ the subcommands; bench/ the workloads.
SRC_DIRS := lib/common lib/measure lib/analyze cmd bench
CPPFLAGS += -I$(BUILD) -Ibuild $(addprefix -I,$(SRC_DIRS))
LDLIBS := -lpfm -lhwloc -linih -ljansson -lgsl -lgslcblas -lm -pthread

# Debian packages the build, the tests and the plots need (libpfm4 has no pkg-config file).
DEBIAN_PACKAGES := libpfm4-dev libhwloc-dev gnuplot-nox libinih-dev libjansson-dev libgsl-dev libcmocka-dev

# BUILD holds the objects and test binaries; `make check` uses its own.
BUILD ?= build
LIB_SRC := $(wildcard lib/*/*.c cmd/*.c)
BENCH_SRC := $(wildcard bench/*.c)
OBJ := $(patsubst %.c,$(BUILD)/%.o,tlbbench.c $(LIB_SRC) $(BENCH_SRC))
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC) $(BENCH_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TLBBENCH_BIN ?= tlbbench

BENCH_ARGS ?= -c configs/quick.ini $(BENCH_SIZE)

.PHONY: install uninstall deb all deps bench plots test test-under-load check fuzz fuzz-build fuzz-replay test-kernel kernel-deps ab race-kernels scale unit integration clean FORCE

all: $(TLBBENCH_BIN)

$(TLBBENCH_BIN): $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The git revision goes into meta.json: rewrite the header only when it changes,
# so a commit rebuilds what embeds it and nothing else.
build/version.h: FORCE
	@mkdir -p build
	@echo '#define TLBBENCH_GIT_REV "$(GIT_REV)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# Where an installed tlbbench finds configs/, plots/ and kernel/ (lib/common/datadir.c).
PREFIX ?= /usr/local
DATADIR := $(PREFIX)/share/tlbbench
# Each BUILD has its own, so the .deb's (PREFIX=/usr) leaves ./tlbbench alone.
$(BUILD)/datadir_path.h: FORCE
	@mkdir -p $(BUILD)
	@echo '#define TLBBENCH_DATADIR "$(DATADIR)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/lib/common/datadir.o: $(BUILD)/datadir_path.h
build/fuzz/lib/common/datadir.o: build/datadir_path.h

# What includes lib/common/revision.h (the git revision) waits for it.
REVISION_USERS := tlbbench.c lib/measure/resume.c lib/measure/meta.c
$(patsubst %.c,$(BUILD)/%.o,$(REVISION_USERS)): build/version.h

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Install only the Debian packages that are missing.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "tlbbench: missing Debian packages:$$missing; run 'make deps' as root" >&2; exit 1; \
		fi; \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# quick.ini maps 1 GiB per case; 256 MiB when less than 4 GiB is free.
BENCH_SIZE = $(shell awk '/MemAvailable/ { if ($$2 <= 4 * 1048576) print "--set size=256M" }' /proc/meminfo)

bench: deps
	$(MAKE) tlbbench
	./tlbbench run $(BENCH_ARGS) -o results/bench
	./tlbbench analyze results/bench
	./tlbbench plot results/bench

# Plots of a result directory (PLOT_DIR, default the last make bench).
PLOT_DIR ?= results/bench
plots: deps
	$(MAKE) tlbbench
	./tlbbench plot $(PLOT_DIR)

unit: deps
	$(MAKE) $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

integration: deps
	$(MAKE) tlbbench
	prove -v tests/integration/

test: deps
	$(MAKE) tlbbench $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done
	prove tests/integration/

# The integration tests beside a background load on every CPU (tests/stress-beside.sh):
# they must hold on a busy machine too.
build/tests/churn: tests/stress/churn.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

test-under-load: deps
	$(MAKE) tlbbench build/tests/churn
	tests/stress-beside.sh prove tests/integration/

# tlbbench and the unit tests built with AddressSanitizer and UBSan (any error
# aborts), and every test run against them. The integration tests take the
# binary from $$TLBBENCH, the plot scripts from plots/.
CHECK_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CHECK_ENV := ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CHECK_PACKAGES := libasan8 libubsan1 clang libclang-rt-14-dev shellcheck
check: deps
	$(MAKE) deps DEBIAN_PACKAGES="$(CHECK_PACKAGES)"
	$(MAKE) fuzz-replay
	$(MAKE) BUILD=build/check TLBBENCH_BIN=build/check/tlbbench CFLAGS="$(CFLAGS) $(CHECK_FLAGS)" \
		LDFLAGS="$(LDFLAGS) -fsanitize=address,undefined" build/check/tlbbench \
		$(patsubst $(BUILD)/%,build/check/%,$(UNIT_BIN))
	@for t in $(patsubst $(BUILD)/%,build/check/%,$(UNIT_BIN)); do $(CHECK_ENV) $$t || exit 1; done
	$(CHECK_ENV) TLBBENCH=$(CURDIR)/build/check/tlbbench TLBBENCH_DATA_DIR=$(CURDIR) prove tests/integration/

# libFuzzer harnesses (clang) for the parsers and readers: tests/fuzz/fuzz_*.c,
# each with its seed corpus in tests/fuzz/corpus/NAME. `make fuzz` fuzzes each
# for FUZZ_SECONDS (FUZZ=NAME for one) in build/fuzz/corpus, crashes to
# build/fuzz/crashes; `make fuzz-replay` (part of make check) runs the corpus once.
FUZZ_CC := clang
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_ALL := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 60
FUZZ_BIN := $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_ALL))
FUZZ_LIB_OBJ := $(patsubst %.c,build/fuzz/%.o,$(LIB_SRC) $(BENCH_SRC) tests/fuzz/fuzz.c)

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 -Wall -Wextra -pthread -MMD -MP $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(patsubst %.c,build/fuzz/%.o,$(REVISION_USERS)): build/version.h
# Kept, so a second build links without recompiling.
.SECONDARY: $(FUZZ_LIB_OBJ) $(patsubst %,build/fuzz/tests/fuzz/fuzz_%.o,$(FUZZ_ALL))

build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: deps
	$(MAKE) deps DEBIAN_PACKAGES="$(CHECK_PACKAGES)"
	$(MAKE) $(FUZZ_BIN)

fuzz-replay: fuzz-build
	@for f in $(FUZZ_ALL); do \
		echo "fuzz-replay $$f: $$(ls tests/fuzz/corpus/$$f | wc -l) inputs"; \
		$(CHECK_ENV) build/fuzz/fuzz_$$f -runs=0 tests/fuzz/corpus/$$f 2>build/fuzz/$$f.replay.log \
			|| { tail -40 build/fuzz/$$f.replay.log; exit 1; }; \
	done

fuzz: fuzz-build
	@for f in $(FUZZ); do \
		mkdir -p build/fuzz/corpus/$$f build/fuzz/crashes/$$f; \
		echo "fuzz $$f for $(FUZZ_SECONDS) s"; \
		$(CHECK_ENV) build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=build/fuzz/crashes/$$f/ $$(test -f tests/fuzz/$$f.dict && echo -dict=tests/fuzz/$$f.dict) \
			build/fuzz/corpus/$$f tests/fuzz/corpus/$$f >build/fuzz/$$f.log 2>&1; rc=$$?; \
		grep -E '^(#[0-9]+[[:space:]]+DONE|stat::|SUMMARY)' build/fuzz/$$f.log; \
		test $$rc = 0 || { tail -40 build/fuzz/$$f.log; echo "fuzz $$f: crashed (exit $$rc), see build/fuzz/$$f.log"; exit 1; }; \
	done

# Opt-in, not part of `make test`: these build Debian's linux-source-6.12
# (6 minutes the first time, about 1 more per patched variant; kept in
# kernel/build/) and boot it under qemu.
KERNEL_PACKAGES := linux-source-6.12 bc flex bison libelf-dev libssl-dev cpio busybox-static qemu-system-x86 e2fsprogs
kernel-deps: deps
	$(MAKE) deps DEBIAN_PACKAGES="$(KERNEL_PACKAGES)"
	$(MAKE) tlbbench

test-kernel: kernel-deps
	prove -v kernel/smoke.sh

# A/B: AB_CONFIG on the baseline and the deferred-dirty kernel, then compare.
AB_CONFIG ?= configs/ab.ini
AB_SMP ?= 2
ab: kernel-deps
	kernel/ab.sh -smp $(AB_SMP) -o results/ab $(AB_CONFIG)

# tlbbench race (writeback, truncate, seal) on baseline, deferred-dirty and the two unsafe controls.
RACE_SECONDS ?= 60
RACE_SMP ?= 4
race-kernels: kernel-deps
	kernel/race.sh -smp $(RACE_SMP) -t $(RACE_SECONDS) -o results/race

# Flushes and IPIs at 1..16 CPUs: baseline and deferred-dirty guests of SCALE_SMP CPUs (counts exact, times emulated).
SCALE_SMP ?= 8,16
scale: kernel-deps
	kernel/scale.sh -smp $(SCALE_SMP) -o results/scale

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the data directory
# (configs, plot scripts, the kernel/ harness and patches), the man page, the
# bash completion and the docs, with docs/copyright (Debian policy wants it in
# the .deb). The binary finds the data directory from where it is
# (PREFIX/bin -> PREFIX/share/tlbbench), else at the compiled-in DATADIR.
BINDIR := $(PREFIX)/bin
MANDIR := $(PREFIX)/share/man/man1
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
DOCDIR := $(PREFIX)/share/doc/tlbbench
KERNEL_FILES := $(filter-out kernel/build/%,$(shell git ls-files kernel 2>/dev/null || find kernel -path kernel/build -prune -o -type f -print))
INSTALLED := $(BINDIR)/tlbbench $(DATADIR) $(MANDIR)/tlbbench.1.gz $(COMPLETIONDIR)/tlbbench $(DOCDIR)

install: $(TLBBENCH_BIN)
	install -D -m 755 $(TLBBENCH_BIN) $(DESTDIR)$(BINDIR)/tlbbench
	install -d $(DESTDIR)$(DATADIR)/configs $(DESTDIR)$(DATADIR)/plots
	install -m 644 configs/*.ini $(DESTDIR)$(DATADIR)/configs/
	install -m 644 plots/*.gp $(DESTDIR)$(DATADIR)/plots/
	for f in $(KERNEL_FILES); do \
		install -D -m $$([ -x $$f ] && echo 755 || echo 644) $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; \
	done
	install -d $(DESTDIR)$(MANDIR)
	gzip -9n < docs/tlbbench.1 > $(DESTDIR)$(MANDIR)/tlbbench.1.gz
	chmod 644 $(DESTDIR)$(MANDIR)/tlbbench.1.gz
	install -D -m 644 docs/tlbbench.bash-completion $(DESTDIR)$(COMPLETIONDIR)/tlbbench
	install -d $(DESTDIR)$(DOCDIR)
	install -m 644 README.md RESULTS.md docs/*.md docs/copyright $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -rf $(addprefix $(DESTDIR),$(INSTALLED))

# make deb: a binary package of `make install PREFIX=/usr`, built with
# dpkg-deb. Its Depends are dpkg-shlibdeps' (the package of each library it
# links, at the version its symbols need: libc6 (>= 2.34) for
# strerrorname_np), and what it runs but does not link. dpkg-shlibdeps is
# dpkg-dev's (a Debian without build-essential may lack it) and reads a
# debian/control where it runs: a minimal one in build/deb-shlibs.
DEB_VERSION := $(shell sed -n 's/^\#define TLBBENCH_VERSION "\(.*\)"/\1/p' lib/common/revision.h)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB_RUN_DEPENDS := gnuplot-nox
DEB := build/tlbbench_$(DEB_VERSION)_$(DEB_ARCH).deb

deb: deps
	$(MAKE) deps DEBIAN_PACKAGES="dpkg-dev"
	rm -rf build/deb build/deb-shlibs
	$(MAKE) BUILD=build/deb-obj TLBBENCH_BIN=build/deb-obj/tlbbench PREFIX=/usr DESTDIR=$(CURDIR)/build/deb install
	mkdir -p build/deb/DEBIAN build/deb-shlibs/debian
	printf '%s\n' 'Source: tlbbench' '' 'Package: tlbbench' 'Architecture: any' > build/deb-shlibs/debian/control
	cd build/deb-shlibs && dpkg-shlibdeps -O -e$(CURDIR)/build/deb/usr/bin/tlbbench > shlibs.txt
	depends=$$(sed -n 's/^shlibs:Depends=//p' build/deb-shlibs/shlibs.txt); \
	[ -n "$$depends" ] || { echo "tlbbench: dpkg-shlibdeps gave no Depends" >&2; exit 1; }; \
	printf '%s\n' 'Package: tlbbench' 'Version: $(DEB_VERSION)' 'Architecture: $(DEB_ARCH)' \
		'Maintainer: tlbbench developers <tlbbench@localhost>' 'Section: devel' 'Priority: optional' \
		"Depends: $$depends, $(DEB_RUN_DEPENDS)" \
		"Installed-Size: $$(du -sk build/deb/usr | cut -f1)" \
		'Description: TLB-flush cost of tearing down large dirty mappings on Linux' \
		' tlbbench times munmap, MADV_DONTNEED and exit on large anon, shmem, file, THP' \
		' and hugetlb mappings, counts the flushes by reason, shootdown IPIs and perf' \
		' events, estimates the cost of the forced flush for dirty shared pages, and' \
		' compares runs before and after a kernel patch with a sign-off verdict.' \
		> build/deb/DEBIAN/control
	dpkg-deb --build --root-owner-group build/deb $(DEB)

clean:
	rm -rf build tlbbench

-include $(OBJ:.o=.d) $(patsubst %.c,build/check/%.d,tlbbench.c $(LIB_SRC) $(BENCH_SRC)) $(FUZZ_LIB_OBJ:.o=.d) $(patsubst %,build/fuzz/tests/fuzz/fuzz_%.d,$(FUZZ_ALL))
