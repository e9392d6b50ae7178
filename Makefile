# tsmosh — see README.md. `make check` runs every test; `make SAN=1 check`
# runs them under ASan+UBSan in a separate build tree.
PREFIX  ?= /usr/local
DESTDIR ?=
# /etc for a system install, else under the prefix ($HOME/.local/etc).
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
MANDIR  ?= $(PREFIX)/share/man
# mosh-server looks here for tsmosh-utmp-helper (compiled in).
LIBEXECDIR ?= $(PREFIX)/libexec/tsmosh
DOCDIR  ?= $(PREFIX)/share/doc/tsmosh
FIREWALLD_SERVICES ?= $(PREFIX)/lib/firewalld/services
# bash-completion finds files here by command name (mosh-server: a link).
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SAN     ?= 0
FUZZ_SECONDS ?= 30

CC      ?= cc
FUZZCC  ?= clang

PKGS    := libsodium libcrypto zlib libmnl inih libseccomp libcap-ng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wformat=2 -Wvla
CSTD    := -std=c11 -D_GNU_SOURCE
ifeq ($(SAN),1)
BUILD   := build-san
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
SANLD   := -fsanitize=address,undefined
else
BUILD   := build
OPT     := -O2 -g
SANLD   :=
endif

CFLAGS_ALL  = $(CSTD) $(WARN) $(OPT) -I. $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SANLD) $(LDFLAGS)

# Modules: every .c in a module directory is part of its library. Order
# matters for static linking: a library before the ones it uses (base/,
# used by all, last).
MODULES   := statesync term netbind sandbox proto base
LIBS      := $(MODULES:%=$(BUILD)/lib%.a)
MOD_SRC   := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
MOD_OBJ   := $(MOD_SRC:%.c=$(BUILD)/%.o)

# Programs: every .c in server/ (client/) makes mosh-server (mosh-client).
# The server's files but main.c are a library too, for the unit tests.
SERVER_SRC := $(wildcard server/*.c)
SERVER_LIB := $(BUILD)/libserver.a
SERVER_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out server/main.c,$(SERVER_SRC)))
CLIENT_SRC := $(wildcard client/*.c)
SERVER_LIBS := -lutempter
CLIENT_LIBS := $(shell pkg-config --libs tinfo 2>/dev/null || echo -ltinfo)

# Tests: tests/unit/NAME.c is one test program; tests/tools/NAME.c a helper
# program the integration tests run (peers, proxies).
UNIT_SRC  := $(wildcard tests/unit/*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)

PROGRAMS  := $(if $(SERVER_SRC),$(BUILD)/mosh-server) $(if $(CLIENT_SRC),$(BUILD)/mosh-client)
# The server's utmp helper: a program of its own, installed in LIBEXECDIR.
HELPERS   := $(BUILD)/tsmosh-utmp-helper
# The mosh wrapper is a sh script; the build copies it next to mosh-client,
# which it runs when it finds one beside itself.
SCRIPTS   := $(BUILD)/mosh

# Firewall and fail2ban files, made from etc/tsmosh.conf by the server
# itself (mosh-server firewall) so they follow its port_range, interface
# and allow_sources. Copies are committed under etc/ for reading; `make
# snippets` refreshes them and tests/integration/firewall.sh compares.
CONF      := etc/tsmosh.conf
# Only the file: no user config, no MOSH_* variables of whoever builds.
GEN_ENV   := env -i PATH=/usr/bin:/bin XDG_CONFIG_HOME=/nonexistent LANG=C.UTF-8
SNIPPETS  := ufw/applications.d/tsmosh:ufw-app \
             firewalld/services/tsmosh.xml:firewalld-service \
             nftables/tsmosh.nft:nftables \
             fail2ban/jail.d/tsmosh.conf:fail2ban
GENERATED := $(foreach s,$(SNIPPETS),$(BUILD)/etc/$(firstword $(subst :, ,$(s))))

.PHONY: all deps check check-only demo bench fuzz install clean snippets man \
        programs package package-check soak
.SUFFIXES:

all: $(LIBS) $(SERVER_LIB) $(PROGRAMS) $(HELPERS) $(SCRIPTS) $(UNIT_BIN) $(TOOL_BIN) $(GENERATED)

define snippet
$(BUILD)/etc/$(1): $(CONF) $(BUILD)/mosh-server
	@mkdir -p $$(@D)
	$(GEN_ENV) $(BUILD)/mosh-server firewall $(2) --config $(CONF) >$$@.tmp
	mv $$@.tmp $$@
endef
$(foreach s,$(SNIPPETS),$(eval $(call snippet,$(firstword $(subst :, ,$(s))),$(lastword $(subst :, ,$(s))))))

# mosh-server.1's option list comes from the settings table, between
# its two marker lines; tests/integration/man_options.sh compares.
man: $(BUILD)/tests/tools/man_options
	awk -v tool=$(BUILD)/tests/tools/man_options \
	    'index($$0, ".\\\" BEGIN OPTIONS") == 1 { print; fflush(); \
	         system(tool); skip = 1; next } \
	     index($$0, ".\\\" END OPTIONS") == 1 { skip = 0 } !skip' \
	    man/mosh-server.1 >man/mosh-server.1.tmp
	mv man/mosh-server.1.tmp man/mosh-server.1

snippets: $(GENERATED)
	@for f in $(GENERATED:$(BUILD)/%=%); do \
		mkdir -p $$(dirname $$f); cp $(BUILD)/$$f $$f; done

deps:
	@sh packaging/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

define module_lib
$(BUILD)/lib$(1).a: $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard $(1)/*.c))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_lib,$(m))))

$(SERVER_LIB): $(SERVER_LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/mosh-server: $(BUILD)/server/main.o $(SERVER_LIB) $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(BUILD)/server/main.o $(SERVER_LIB) $(LIBS) $(PKG_LIBS) $(SERVER_LIBS) -lm

# Where the helper is installed is part of the server's utmp.o.
$(BUILD)/server/utmp.o: CPPFLAGS += -DTSMOSH_LIBEXECDIR='"$(LIBEXECDIR)"'

$(BUILD)/tsmosh-utmp-helper: $(BUILD)/server/helper/utmp_helper.o $(BUILD)/server/utmp.o
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SERVER_LIBS)

$(BUILD)/mosh-client: $(CLIENT_SRC:%.c=$(BUILD)/%.o) $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(LIBS) $(PKG_LIBS) $(CLIENT_LIBS) -lm

$(BUILD)/mosh: client/mosh.sh
	@mkdir -p $(@D)
	sh -n $<
	cp $< $@.tmp && chmod 0755 $@.tmp && mv $@.tmp $@

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(SERVER_LIB) $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(SERVER_LIB) $(LIBS) $(PKG_LIBS) $(SERVER_LIBS) -lm

# A client unit test links the client file it is named after.
$(BUILD)/tests/unit/client_%: $(BUILD)/tests/unit/client_%.o $(BUILD)/client/%.o $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(LIBS) $(PKG_LIBS) -lm

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(SERVER_LIB) $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(SERVER_LIB) $(LIBS) $(PKG_LIBS) $(SERVER_LIBS) -lm

# Fuzz targets: clang + libFuzzer, always with ASan+UBSan, own build tree.
FUZZ_FLAGS := $(CSTD) $(WARN) -g -O1 -I. $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(MOD_SRC) $(foreach m,$(MODULES),$(wildcard $(m)/*.h))
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZ_FLAGS) -o $@ $< $(filter server/%.c,$^) $(MOD_SRC) $(PKG_LIBS) -lm
# server/ is no library: a target for one of its parsers lists the files
# it needs here (the .c ones are linked in).
build-fuzz/fuzz_control: server/control.c server/control_reply.c \
    server/control.h
build-fuzz/fuzz_config: server/config.c server/config.h
build-fuzz/fuzz_utmp: server/utmp.c server/utmp.h
build-fuzz/fuzz_utmp: PKG_LIBS += $(SERVER_LIBS)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		sh tests/fuzz/run.sh $$f $(FUZZ_SECONDS) || exit 1; \
	done

check: deps
	@$(MAKE) --no-print-directory all $(FUZZ_BIN)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) SAN=$(SAN) sh tests/run

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/bench/run.sh

# Minutes long, not part of check: a lossy, roaming session checked screen
# for screen, a garbage flood, then the fuzzers for SOAK_FUZZ_SECONDS each.
SOAK_FUZZ_SECONDS ?= 600
soak: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bash tests/soak/run.sh
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(SOAK_FUZZ_SECONDS)

# What install needs (not the tests): the packages build only this.
programs: $(PROGRAMS) $(HELPERS) $(SCRIPTS) $(GENERATED)

# The same tree the packages install (packaging/*: keep their file lists
# in step; make package-check compares them).
install: programs
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/tsmosh \
	    $(DESTDIR)$(SYSCONFDIR)/fail2ban/filter.d \
	    $(DESTDIR)$(SYSCONFDIR)/fail2ban/jail.d \
	    $(DESTDIR)$(SYSCONFDIR)/ufw/applications.d \
	    $(DESTDIR)$(FIREWALLD_SERVICES) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(BASHCOMPDIR)
	@for p in $(PROGRAMS); do install -m 0755 $$p $(DESTDIR)$(PREFIX)/bin/; done
	install -m 0755 $(HELPERS) $(DESTDIR)$(LIBEXECDIR)/
	install -m 0755 client/mosh.sh $(DESTDIR)$(PREFIX)/bin/mosh
	install -m 0644 client/mosh.bash $(DESTDIR)$(BASHCOMPDIR)/mosh
	ln -sf mosh $(DESTDIR)$(BASHCOMPDIR)/mosh-server
	install -m 0644 man/mosh-server.1 man/mosh-client.1 man/mosh.1 \
	    $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/tsmosh.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(CONF) $(DESTDIR)$(SYSCONFDIR)/tsmosh/tsmosh.conf
	install -m 0644 etc/fail2ban/filter.d/tsmosh.conf \
	    $(DESTDIR)$(SYSCONFDIR)/fail2ban/filter.d/tsmosh.conf
	install -m 0644 $(BUILD)/etc/fail2ban/jail.d/tsmosh.conf \
	    $(DESTDIR)$(SYSCONFDIR)/fail2ban/jail.d/tsmosh.conf
	install -m 0644 $(BUILD)/etc/ufw/applications.d/tsmosh \
	    $(DESTDIR)$(SYSCONFDIR)/ufw/applications.d/tsmosh
	install -m 0644 etc/ufw/applications.d/mosh \
	    $(DESTDIR)$(SYSCONFDIR)/ufw/applications.d/mosh
	install -m 0644 $(BUILD)/etc/firewalld/services/tsmosh.xml \
	    $(DESTDIR)$(FIREWALLD_SERVICES)/tsmosh.xml
	install -m 0644 $(BUILD)/etc/nftables/tsmosh.nft README.md \
	    $(DESTDIR)$(DOCDIR)/

# build/pkg: a clean copy of the tree (no build output) with debian/ at
# its root, as dpkg-buildpackage wants; the .deb lands in build/pkg.
package:
	sh packaging/build-deb.sh build/pkg

# Builds the .deb from a clean tree, checks it with lintian, compares the
# rpm and Arch file lists, installs it, serves the stock mosh-client on
# loopback, purges it and puts the stock mosh back. Root; a few minutes.
package-check:
	sh packaging/check.sh build/pkg

clean:
	rm -rf build build-san build-fuzz

-include $(MOD_OBJ:.o=.d) $(UNIT_BIN:=.d) $(TOOL_BIN:=.d) \
    $(SERVER_SRC:%.c=$(BUILD)/%.d) $(CLIENT_SRC:%.c=$(BUILD)/%.d)
