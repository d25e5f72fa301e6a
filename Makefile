# hostguard: build, check, install, deb, fuzz, bench.
#
#   make deps      install build and test dependencies (Debian/Ubuntu, as root)
#   make           build build/hostguard (the first stage) and build/hostguard-full
#   make check     unit + integration tests, then again under ASan+UBSan,
#                  then replay of the fuzz corpora
#   make fuzz      run every libFuzzer target (FUZZ_SECONDS each)
#   make bench     print speed ratios measured side by side
#   make install   honours DESTDIR and PREFIX

PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
# systemd-tmpfiles reads /usr/lib and /etc, not /usr/local: a packaged build sets /usr/lib/tmpfiles.d
TMPFILESDIR ?= $(SYSCONFDIR)/tmpfiles.d
DESTDIR ?=
BUILD ?= build
CC ?= cc
CLANG ?= clang
FUZZ_SECONDS ?= 60
SANITIZE ?=

# Policy snapshots (policy/snapshot.c): written by root, read by every start.
CACHEDIR ?= /var/cache/hostguard
# The example policy's log_dir and spool, made by make install as the package makes them.
LOGDIR ?= /var/log/hostguard
SPOOLDIR ?= /run/hostguard
# The whole program; `hostguard` itself is its first stage (wrapper/front.c).
LIBEXECDIR ?= $(PREFIX)/libexec
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)
DATADIR := $(PREFIX)/share/hostguard

PKGS := libconfuse libseccomp audit json-c nettle zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# The libraries are linked statically (Debian ships their .a), libc
# dynamically: measured here, dynamic linking of the five costs 0.8x of a
# /bin/true at every start, static 0.08x.  The price: a security update of
# one of them needs a rebuild of hostguard.  STATIC_LIBS=0 links them
# dynamically.
STATIC_LIBS ?= 1
ifeq ($(STATIC_LIBS),1)
PKG_LIBS := -Wl,-Bstatic $(shell pkg-config --static --libs-only-l $(PKGS)) -Wl,-Bdynamic
else
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
endif

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter -Wvla
BASE_CFLAGS := -std=gnu11 -g -fPIE -fstack-protector-strong -fno-strict-aliasing \
	-ffunction-sections -fdata-sections \
	$(WARN) -D_GNU_SOURCE -I. $(PKG_CFLAGS) \
	-DHG_VERSION='"$(VERSION)"' -DHG_SYSCONFDIR='"$(SYSCONFDIR)"' -DHG_DATADIR='"$(DATADIR)"' \
	-DHG_CACHE_DIR='"$(CACHEDIR)"'
BASE_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--as-needed

ifeq ($(SANITIZE),1)
OPT := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined
else
OPT := -O2 -D_FORTIFY_SOURCE=2
SAN_LDFLAGS :=
endif

ALL_CFLAGS := $(BASE_CFLAGS) $(OPT) $(CFLAGS)
ALL_LDFLAGS := $(BASE_LDFLAGS) $(SAN_LDFLAGS) $(LDFLAGS)

# The first stage is linked statically, libc included: measured here, that
# is what brings an ordinary user's allowed run under 2x a bare start (see
# wrapper/front.c).  Sections nothing reaches are dropped, libconfuse's
# parser with them; --fatal-warnings turns glibc's warning about any NSS
# function linked statically into an error.  ASan cannot link statically:
# under SANITIZE=1 it is an ordinary dynamic program.
ifeq ($(SANITIZE),1)
# (ASan's instrumentation keeps every function alive, and what they call.)
FRONT_LDFLAGS := $(ALL_LDFLAGS) -Wl,--gc-sections
FRONT_LIBS = $(PROGRAM_A) $(LIB_ARCHIVES) $(PKG_LIBS)
else
FRONT_LDFLAGS := -static-pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--gc-sections \
	-Wl,--fatal-warnings $(LDFLAGS)
# (the policy library compares programs by SHA-256: policy/identity.c)
FRONT_LIBS := -lnettle
# And libc's own internal calls (glob's __getpwnam_r) escape the warnings:
# after the link, no NSS lookup, dlopen'd service or locale loading may be
# left in it.
FRONT_CHECK = ! nm $@ | grep -E ' (__nss_(lookup|database|module|next)[a-z_0-9]*|setlocale|_nl_find_locale)$$' \
	|| { echo "$@: NSS or locale code linked into the first stage" >&2; rm -f $@; exit 1; }
endif

# The libraries, from the bottom up (docs/architecture.md): each folder is
# one static library, and a folder uses only those listed before it.
LIBS := util policy audit approval supervise review
lib_src = $(sort $(wildcard $(1)/*.c))
LIB_SRC := $(foreach l,$(LIBS),$(call lib_src,$(l)))
# The program: wrapper/, less its three entry points.
PROGRAM_SRC := $(sort $(filter-out wrapper/main.c wrapper/front.c wrapper/sudo_plugin.c,$(wildcard wrapper/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
HELPER_SRC := $(sort $(wildcard tests/helpers/*.c))

lib_a = $(BUILD)/lib/$(1).a
# In link order: a library before those it uses.
reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
LIB_ARCHIVES := $(foreach l,$(call reverse,$(LIBS)),$(call lib_a,$(l)))
PROGRAM_OBJ := $(PROGRAM_SRC:%.c=$(BUILD)/%.o)
PROGRAM_A := $(call lib_a,program)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/helpers/%)

# Each object's headers, as the compiler found them (-MMD); a .d file is
# never a target of its own (nor, through make's built-in rules, a program).
DEPFLAGS = -MMD -MP
.DEFAULT_GOAL := all
.SUFFIXES:
%.d: ;
-include $(shell find $(BUILD) $(BUILD)-asan \( -name deb -o -name pkgtest \) -prune -o -type f -name '*.d' -print 2>/dev/null)

.PHONY: demo all deps check check-suites check-unit check-bats check-fuzz-replay fuzz bench \
	install uninstall clean deb check-package helpers

all: $(BUILD)/hostguard $(BUILD)/hostguard-full $(BUILD)/install/hostguard $(BUILD)/hostguard_sudo.so

$(BUILD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

define lib_rule
$(call lib_a,$(1)): $(patsubst %.c,$(BUILD)/%.o,$(call lib_src,$(1)))
	@mkdir -p $$(dir $$@) && rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LIBS),$(eval $(call lib_rule,$(l))))
$(PROGRAM_A): $(PROGRAM_OBJ)
	@mkdir -p $(dir $@) && rm -f $@
	ar rcs $@ $^

$(BUILD)/hostguard-full: $(BUILD)/wrapper/main.o $(PROGRAM_OBJ) $(LIB_ARCHIVES)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The sudo approval plugin (wrapper/sudo_plugin.c): a shared object loaded
# by the setuid sudo, so built position-independent, never with the
# sanitizers (sudo is not), the libraries linked dynamically, and only the
# plugin symbol exported (wrapper/sudo_plugin.map).
PLUGIN_CFLAGS := $(filter-out -fPIE,$(BASE_CFLAGS)) -fPIC -fvisibility=hidden -O2 -D_FORTIFY_SOURCE=2 $(CFLAGS)
# It links the libraries it needs, not the program (its one piece of it:
# where the snapshot cache is).
PLUGIN_LIBS := util policy audit approval
PLUGIN_SRC := wrapper/sudo_plugin.c wrapper/installdirs.c $(foreach l,$(PLUGIN_LIBS),$(call lib_src,$(l)))
PLUGIN_OBJ := $(addprefix $(BUILD)/pic/,$(PLUGIN_SRC:.c=.o))
$(BUILD)/pic/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(PLUGIN_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(BUILD)/hostguard_sudo.so: $(PLUGIN_OBJ) wrapper/sudo_plugin.map
	$(CC) -shared -o $@ $(PLUGIN_OBJ) -Wl,--version-script=wrapper/sudo_plugin.map \
		-Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--gc-sections -Wl,--as-needed \
		$(shell pkg-config --libs $(PKGS)) $(LDFLAGS)

# The first stage, three times over: for this tree (it hands over to
# $(BUILD)/hostguard-full), for make install, and for make bench (below).
FRONT_DEPS := $(addprefix $(BUILD)/wrapper/,runopts.o check.o program.o) \
	$(addprefix $(BUILD)/supervise/,exec.o which.o)
# Each object depends on a stamp named after the path it compiles in, so
# that `make install PREFIX=/usr` after `make` recompiles it (a stale path
# would send every handover to a program that is not there, or not ours).
FULL_TREE := $(abspath $(BUILD))/hostguard-full
FULL_INSTALL := $(LIBEXECDIR)/hostguard/hostguard-full
FULL_BENCH := $(abspath $(BUILD))/bench/hostguard-full
stamp_of = $(BUILD)/front/path/$(subst /,%,$(1))
$(BUILD)/front/path/%:
	@mkdir -p $(dir $@) && touch $@
$(BUILD)/front/%.o: wrapper/front.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -DHG_FULL_PROGRAM='"$(FULL_PROGRAM)"' -c -o $@ $<
$(BUILD)/front/tree.o: FULL_PROGRAM = $(FULL_TREE)
$(BUILD)/front/tree.o: $(call stamp_of,$(FULL_TREE))
$(BUILD)/front/install.o: FULL_PROGRAM = $(FULL_INSTALL)
$(BUILD)/front/install.o: $(call stamp_of,$(FULL_INSTALL))
$(BUILD)/front/bench.o: FULL_PROGRAM = $(FULL_BENCH)
$(BUILD)/front/bench.o: $(call stamp_of,$(FULL_BENCH))
# One link for the three: the objects among the prerequisites, then the
# libraries (the whole program's twin is a prerequisite of make bench's).
define link_front
@mkdir -p $(dir $@)
$(CC) $(ALL_CFLAGS) $(FRONT_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$(FRONT_ARCHIVES)) $(FRONT_LIBS)
$(FRONT_CHECK)
endef
# (of the libraries above policy, only these objects: an archive would
# pull in a member for a call in a section --gc-sections drops, and with
# it the name service)
FRONT_ARCHIVES := $(addprefix $(BUILD)/,audit/record.o audit/host.o) $(call lib_a,policy) $(call lib_a,util)
$(BUILD)/hostguard: $(BUILD)/front/tree.o $(FRONT_DEPS) $(BUILD)/wrapper/installdirs.o $(FRONT_ARCHIVES) \
		$(filter %.a,$(FRONT_LIBS))
	$(link_front)
$(BUILD)/install/hostguard: $(BUILD)/front/install.o $(FRONT_DEPS) $(BUILD)/wrapper/installdirs.o \
		$(FRONT_ARCHIVES) $(filter %.a,$(FRONT_LIBS))
	$(link_front)

$(BUILD)/tests/%: tests/unit/%.c $(PROGRAM_A) $(LIB_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Wno-missing-prototypes $(ALL_LDFLAGS) -o $@ $< \
		$(PROGRAM_A) $(LIB_ARCHIVES) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< -lutil -lpthread $(shell pkg-config --libs libseccomp)

helpers: $(HELPER_BIN)

BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
# make bench runs a twin of the program whose snapshot cache is in the build
# tree (tests/bench/run makes it root-owned), not in $(CACHEDIR).
BENCH_CACHE := $(abspath $(BUILD))/bench/cache
$(BUILD)/bench/installdirs.o: wrapper/installdirs.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -UHG_CACHE_DIR -DHG_CACHE_DIR='"$(BENCH_CACHE)"' -c -o $@ $<
$(BUILD)/bench/hostguard-full: $(BUILD)/wrapper/main.o $(filter-out $(BUILD)/wrapper/installdirs.o,$(PROGRAM_OBJ)) \
		$(BUILD)/bench/installdirs.o $(LIB_ARCHIVES)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/bench/hostguard: $(BUILD)/front/bench.o $(FRONT_DEPS) $(BUILD)/bench/installdirs.o \
		$(FRONT_ARCHIVES) $(BUILD)/bench/hostguard-full
	$(link_front)
$(BUILD)/bench/%: tests/bench/%.c $(PROGRAM_A) $(LIB_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PROGRAM_A) $(LIB_ARCHIVES) $(PKG_LIBS)

# Fuzz targets are built from source with clang and libFuzzer, ASan and UBSan.
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-D_GNU_SOURCE -I. $(PKG_CFLAGS) -DHG_VERSION='"$(VERSION)"' \
	-DHG_SYSCONFDIR='"$(SYSCONFDIR)"' -DHG_DATADIR='"$(DATADIR)"' -DHG_CACHE_DIR='"$(CACHEDIR)"' \
	-DHG_FUZZING
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(PROGRAM_SRC) $(wildcard $(LIBS:%=%/*.h) wrapper/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(PROGRAM_SRC) $(PKG_LIBS)

# ---- tests ----

# sudo make deps demo: the build is the invoking user's ($$SUDO_USER), so
# that make check as that user can write build/ afterwards; the demo itself
# runs as root, in namespaces (tests/demo).
demo:
	@if [ "$$(id -u)" = 0 ] && [ -n "$${SUDO_USER:-}" ] && [ "$$SUDO_USER" != root ]; then \
		if [ -e $(BUILD) ] && [ "$$(stat -c %U $(BUILD))" != "$$SUDO_USER" ]; then \
			echo "demo: $(BUILD) belongs to $$(stat -c %U $(BUILD)), not $$SUDO_USER: chown -R $$SUDO_USER $(BUILD)" >&2; exit 1; fi; \
		echo "demo: building as $$SUDO_USER"; \
		runuser -u "$$SUDO_USER" -- $(MAKE) all helpers; \
	else \
		$(MAKE) all helpers; \
	fi
	@HG_BUILD=$(abspath $(BUILD)) tests/demo


check:
	tests/lint-bats tests/bats/*.bats
	tests/lint-house
	$(MAKE) check-suites
	$(MAKE) BUILD=$(BUILD)-asan SANITIZE=1 check-suites
	$(MAKE) check-fuzz-replay
	$(MAKE) check-package
	@tests/summary $(BUILD)/results $(BUILD)-asan/results

check-suites: all helpers $(UNIT_BIN)
	@rm -rf $(BUILD)/results && mkdir -p $(BUILD)/results
	@tests/run-unit $(BUILD) $(UNIT_BIN)
	@HOSTGUARD=$(abspath $(BUILD)/hostguard) HG_HELPERS=$(abspath $(BUILD)/helpers) \
		HG_SRC=$(CURDIR) tests/run-bats $(BUILD)

check-fuzz-replay: $(FUZZ_BIN)
	@rm -rf $(BUILD)/fuzz-results && mkdir -p $(BUILD)/fuzz-results
	@tests/run-fuzz-replay $(BUILD) $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		n=$$(basename $$f); mkdir -p tests/fuzz/corpus/$$n $(BUILD)/fuzz-new/$$n; \
		echo "== $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=65536 \
			-artifact_prefix=$(BUILD)/fuzz/$$n- \
			$(BUILD)/fuzz-new/$$n tests/fuzz/corpus/$$n || exit 1; \
		$$f -merge=1 tests/fuzz/corpus/$$n $(BUILD)/fuzz-new/$$n >/dev/null 2>&1; \
	done

bench: all helpers $(BENCH_BIN) $(BUILD)/bench/hostguard
	@HOSTGUARD=$(abspath $(BUILD)/bench/hostguard) HG_BENCH_CACHE=$(BENCH_CACHE) \
		HG_CACHEDIR=$(CACHEDIR) HG_HELPERS=$(abspath $(BUILD)/helpers) \
		HG_SRC=$(CURDIR) tests/bench/run $(BUILD)

# ---- install ----

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/rules \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(SYSCONFDIR)/hostguard/policy.d
	install -d -m 0755 $(DESTDIR)$(CACHEDIR)
	# snapshots made by the previous build: this one validates afresh
	rm -f $(DESTDIR)$(CACHEDIR)/policy-*.snap
	install -d $(DESTDIR)$(LIBEXECDIR)/hostguard
	install -m 0755 $(BUILD)/install/hostguard $(DESTDIR)$(PREFIX)/bin/hostguard
	install -m 0755 $(BUILD)/hostguard-full $(DESTDIR)$(LIBEXECDIR)/hostguard/hostguard-full
	install -m 0644 $(BUILD)/hostguard_sudo.so $(DESTDIR)$(LIBEXECDIR)/hostguard/hostguard_sudo.so
	install -m 0644 policy/rules/*.conf $(DESTDIR)$(DATADIR)/rules/
	sed 's|"rules/\*\.conf"|"$(DATADIR)/rules/*.conf"|; s|/etc/hostguard|$(SYSCONFDIR)/hostguard|g' \
		policy/example.conf > $(DESTDIR)$(DATADIR)/policy.conf.example
	chmod 0644 $(DESTDIR)$(DATADIR)/policy.conf.example
	install -m 0644 packaging/man/hostguard.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 packaging/man/hostguard.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -d $(DESTDIR)$(TMPFILESDIR)
	install -m 0644 packaging/tmpfiles.d/hostguard.conf $(DESTDIR)$(TMPFILESDIR)/hostguard.conf
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	install -m 0644 packaging/completion/hostguard $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hostguard
	install -m 0644 packaging/logrotate/hostguard $(DESTDIR)$(SYSCONFDIR)/logrotate.d/hostguard
	# the example becomes the policy when there is none; an existing one is never touched
	test -e $(DESTDIR)$(SYSCONFDIR)/hostguard/policy.conf || \
		install -m 0644 $(DESTDIR)$(DATADIR)/policy.conf.example $(DESTDIR)$(SYSCONFDIR)/hostguard/policy.conf
	# the audit logs: root-owned, sticky, writable by all, listable by none
	install -d -m 1733 $(DESTDIR)$(LOGDIR)
	# the spool (tmpfiles.d makes it at every boot)
	install -d -m 1777 $(DESTDIR)$(SPOOLDIR)

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/hostguard $(DESTDIR)$(PREFIX)/share/man/man1/hostguard.1 \
		$(DESTDIR)$(PREFIX)/share/man/man5/hostguard.conf.5 $(DESTDIR)$(TMPFILESDIR)/hostguard.conf \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/hostguard \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/hostguard
	# kept: $(SYSCONFDIR)/hostguard (your policy) and $(LOGDIR) (the audit logs)
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(CACHEDIR) $(DESTDIR)$(LIBEXECDIR)/hostguard

clean:
	rm -rf $(BUILD) $(BUILD)-asan

# ---- Debian package ----

# make deb: hostguard_VERSION_ARCH.deb in $(BUILD), built by debhelper from
# a copy of the tree whose debian/ is packaging/debian (the source tree
# itself never gets a debian/ or a .deb).
DEB_VERSION = $(shell dpkg-parsechangelog -l packaging/debian/changelog -S Version)
DEB_ARCH = $(shell dpkg --print-architecture)
DEB = $(BUILD)/hostguard_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_TREE = $(BUILD)/deb/hostguard-$(VERSION)

deb:
	@[ "$(DEB_VERSION)" = "$(VERSION)" ] || { echo "deb: packaging/debian/changelog is at $(DEB_VERSION), VERSION at $(VERSION)" >&2; exit 1; }
	@command -v dh >/dev/null || { echo "deb: needs debhelper (make deps)" >&2; exit 1; }
	rm -rf $(BUILD)/deb && mkdir -p $(DEB_TREE)
	tar -c --exclude=./.git --exclude='./build*' --exclude=./debian . | tar -x -C $(DEB_TREE)
	cp -r packaging/debian $(DEB_TREE)/debian
	# (without this make's variables: make deb BUILD=DIR must not reach the copy's make clean)
	cd $(DEB_TREE) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE \
		DEB_BUILD_OPTIONS="parallel=$$(nproc) $$DEB_BUILD_OPTIONS" dpkg-buildpackage -b -us -uc
	mv $(BUILD)/deb/hostguard_$(DEB_VERSION)_$(DEB_ARCH).deb $(DEB)
	@echo "deb: $(DEB)"

# make check-package: lintian, and install -> use -> upgrade -> remove ->
# purge in a Debian 12 chroot made by mmdebstrap (its base, with the
# package's dependencies, cached in $(BUILD)/pkgtest).  Each part skips,
# saying why, where its tools or the mirror are missing.
PKGTEST_BASE = $(BUILD)/pkgtest/bookworm.tar
check-package:
	@if ! command -v dh >/dev/null; then \
		echo "check-package: skipped: debhelper is not installed (make deps)"; exit 0; fi; \
	$(MAKE) deb >$(BUILD)/deb.log 2>&1 || { tail -30 $(BUILD)/deb.log; exit 1; }; \
	mkdir -p $(BUILD)/pkgtest $(BUILD)/results; \
	HG_DEB=$(abspath $(DEB)) HG_PKG_BASE=$(abspath $(PKGTEST_BASE)) HG_SRC=$(CURDIR) \
		bats --tap tests/bats/package.bats 2>&1 | tests/tap-tally $(BUILD)/results/bats-package

# ---- dependencies (Debian/Ubuntu) ----

DEB_DEPS := build-essential pkg-config clang libclang-rt-14-dev \
	libseccomp-dev libaudit-dev libconfuse-dev libjson-c-dev nettle-dev zlib1g-dev libssl-dev \
	libcmocka-dev bats util-linux procps passwd openssh-server openssh-client sudo strace \
	python3 hyperfine jq busybox autoconf mariadb-server mariadb-client rsyslog \
	debhelper lintian mmdebstrap piuparts bash-completion

deps:
	@missing=$$(for p in $(DEB_DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "deps: run as root to install:$$missing" >&2; exit 1; fi; \
	echo "deps: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing
