# tsmosh — see README.md. `make check` runs every test; `make SAN=1 check`
# runs them under ASan+UBSan in a separate build tree.
PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?= 0
FUZZ_SECONDS ?= 30

CC      ?= cc
FUZZCC  ?= clang

PKGS    := libsodium libcrypto zlib libmnl
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

CFLAGS_ALL  = $(CSTD) $(WARN) $(OPT) -I. $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SANLD) $(LDFLAGS)

# Modules: every .c in a module directory is part of its library. Order
# matters for static linking: a library before the ones it uses.
MODULES   := statesync term netbind proto
LIBS      := $(MODULES:%=$(BUILD)/lib%.a)
MOD_SRC   := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
MOD_OBJ   := $(MOD_SRC:%.c=$(BUILD)/%.o)
PROTO_SRC := $(wildcard proto/*.c)
TERM_SRC  := $(wildcard term/*.c)

# Programs: every .c in server/ (client/) makes mosh-server (mosh-client).
SERVER_SRC := $(wildcard server/*.c)
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
# The mosh wrapper is a sh script; the build copies it next to mosh-client,
# which it runs when it finds one beside itself.
SCRIPTS   := $(BUILD)/mosh

.PHONY: all deps check check-only demo bench soak fuzz install clean
.SUFFIXES:

all: $(LIBS) $(PROGRAMS) $(SCRIPTS) $(UNIT_BIN) $(TOOL_BIN)

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

$(BUILD)/mosh-server: $(SERVER_SRC:%.c=$(BUILD)/%.o) $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(LIBS) $(PKG_LIBS) $(SERVER_LIBS) -lm

$(BUILD)/mosh-client: $(CLIENT_SRC:%.c=$(BUILD)/%.o) $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(LIBS) $(PKG_LIBS) $(CLIENT_LIBS) -lm

$(BUILD)/mosh: client/mosh.sh
	@mkdir -p $(@D)
	sh -n $<
	cp $< $@.tmp && chmod 0755 $@.tmp && mv $@.tmp $@

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBS) $(PKG_LIBS) -lm

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBS) $(PKG_LIBS) -lm

# Fuzz targets: clang + libFuzzer, always with ASan+UBSan, own build tree.
FUZZ_FLAGS := $(CSTD) -g -O1 -I. $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(MOD_SRC) $(foreach m,$(MODULES),$(wildcard $(m)/*.h))
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZ_FLAGS) -o $@ $< $(MOD_SRC) $(PKG_LIBS) -lm

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
SOAK_FUZZ_SECONDS ?= 60
soak: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bash tests/soak/run.sh
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(SOAK_FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	@for p in $(PROGRAMS); do install -m 0755 $$p $(DESTDIR)$(PREFIX)/bin/; done
	install -m 0755 client/mosh.sh $(DESTDIR)$(PREFIX)/bin/mosh

clean:
	rm -rf build build-san build-fuzz

-include $(MOD_OBJ:.o=.d) $(UNIT_BIN:=.d) $(TOOL_BIN:=.d) \
    $(SERVER_SRC:%.c=$(BUILD)/%.d) $(CLIENT_SRC:%.c=$(BUILD)/%.d)
