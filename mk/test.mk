# Tests: C unit tests of tools/lib (plain, and again under AddressSanitizer
# and UBSan), then the end-to-end scripts tests/tNNNN-*.sh, which drive the
# real tools. One summary line at the end: "N passed, N failed".

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(patsubst tests/unit/%.c,out/test/%,$(UNIT_SRC))
ASAN_BIN   := $(patsubst tests/unit/%.c,out/test/asan/%,$(UNIT_SRC))
E2E        := $(sort $(wildcard tests/t[0-9][0-9][0-9][0-9]-*.sh))
SANITIZE   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_OBJ   := $(patsubst tools/lib/%.c,out/test/asan/lib/%.o,$(LIBSRC))

out/test/%: tests/unit/%.c out/obj/libtour.a | out/test/ $(DEPS_STAMP)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(WARN) $(CFLAGS) -Itools/lib -Itests/unit -o $@ $< out/obj/libtour.a $(LIBS)

out/test/asan/lib/%.o: tools/lib/%.c | out/test/asan/lib/
	$(call say,CC,$@)
	$(Q)$(CC) $(WARN) -O1 -g $(SANITIZE) -MMD -MP -Itools/lib -c -o $@ $<

out/test/asan/libtour.a: $(ASAN_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

out/test/asan/%: tests/unit/%.c out/test/asan/libtour.a | out/test/asan/
	$(call say,CCLD,$@)
	$(Q)$(CC) $(WARN) -O1 -g $(SANITIZE) -Itools/lib -Itests/unit -o $@ $< out/test/asan/libtour.a $(LIBS)

.PHONY: test unit-test e2e-test
test: $(DEPS_STAMP) tools $(UNIT_BIN) $(ASAN_BIN)
	$(Q)tests/run.sh $(UNIT_BIN) $(ASAN_BIN) $(E2E)

unit-test: $(UNIT_BIN) $(ASAN_BIN)
	$(Q)tests/run.sh $^

e2e-test: $(DEPS_STAMP) tools
	$(Q)tests/run.sh $(E2E)

-include $(wildcard out/test/asan/lib/*.d)
