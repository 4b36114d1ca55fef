# Tool binaries: one pattern rule builds every tools/NAME.c into out/bin/NAME,
# linked with the shared library built from tools/lib/*.c.

CC      ?= cc
CFLAGS  ?= -O2 -g
# Truncated diagnostics are acceptable; silent overflow is not (snprintf everywhere).
WARN    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wno-unused-parameter -Wno-format-truncation
LIBS    := -lcjson -lespeak-ng -lcrypto -lebur128 -lm -pthread
TOOLS   := $(patsubst tools/%.c,%,$(wildcard tools/*.c))
LIBSRC  := $(wildcard tools/lib/*.c)
LIBOBJ  := $(patsubst tools/lib/%.c,out/obj/lib/%.o,$(LIBSRC))

.PHONY: tools
tools: $(addprefix $(BIN)/,$(TOOLS))

out/obj/lib/%.o: tools/lib/%.c | out/obj/lib/
	$(call say,CC,$@)
	$(Q)$(CC) $(WARN) $(CFLAGS) -MMD -MP -Itools/lib -c -o $@ $<

out/obj/libtour.a: $(LIBOBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/%: tools/%.c out/obj/libtour.a | $(BIN)/ $(DEPS_STAMP)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(WARN) $(CFLAGS) -MMD -MP -MF out/obj/$*.d -Itools/lib -o $@ $< out/obj/libtour.a $(LIBS)

# A folder that cannot be made is a system error (exit 4), as in the tools.
%/:
	$(Q)mkdir -p $@ || exit 4

-include $(wildcard out/obj/*.d out/obj/lib/*.d)
