# Fuzzing: libFuzzer targets (tests/fuzz/fuzz_*.c) for the code that reads
# untrusted bytes, built with clang under ASan and UBSan. `make fuzz` runs
# each for FUZZ_SECONDS from its checked-in seeds (tests/fuzz/corpus/NAME),
# keeping what it learns in out/fuzz/corpus/NAME and a crashing input as
# out/fuzz/NAME-crash-*. clang's libFuzzer is not in `make deps`: get it with
# `make fuzz-deps`. `make test` runs each target for a few seconds when it
# can be built, and says it skipped them when not.

FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_SRC      := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN      := $(patsubst tests/fuzz/%.c,out/fuzz/%,$(FUZZ_SRC))
FUZZ_WARN     := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter
FUZZ_SAN      := -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_LIBOBJ   := $(patsubst tools/lib/%.c,out/fuzz/lib/%.o,$(LIBSRC))

# the library instrumented for coverage, not linked with libFuzzer's main
out/fuzz/lib/%.o: tools/lib/%.c | out/fuzz/lib/
	$(call say,FUZZCC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_WARN) $(FUZZ_SAN) -fsanitize=fuzzer-no-link,address,undefined \
		-MMD -MP -Itools/lib -c -o $@ $<

out/fuzz/libtour.a: $(FUZZ_LIBOBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

out/fuzz/fuzz_%: tests/fuzz/fuzz_%.c out/fuzz/libtour.a | $(DEPS_STAMP)
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_WARN) $(FUZZ_SAN) -fsanitize=fuzzer,address,undefined \
		-Itools/lib -o $@ $< out/fuzz/libtour.a $(LIBS)

.PHONY: fuzz fuzz-build fuzz-deps
fuzz-deps:
	$(Q)mk/deps.sh install $(FUZZ_PACKAGES)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

-include $(wildcard out/fuzz/lib/*.d)
