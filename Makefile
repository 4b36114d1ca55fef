# narrated tours: a JSON tour spec in, a narrated MP4 out.
#   make SPEC=specs/tutorial.json BACKEND=local|colab|colab-f5
# Everything generated lives under out/; `make clean` removes it, but for
# the installed code-server, which `make distclean` removes too.

.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
MAKEFLAGS += --no-builtin-rules

SPEC    ?= specs/demo.json
BACKEND ?= local
NAME    := $(basename $(notdir $(SPEC)))
OUT     ?= out/$(NAME)
BIN     := out/bin
CACHE   ?= out/cache

# Paths become make targets: a space would split them into two, and in a
# target % is a pattern, : ends the target, * ? [ are wildcards. They also
# reach recipes, where a quote or a ; would be read by the shell.
BAD_PATH_CHARS := ' " ` $$ ; & | < > \ ( ) % : * ? [
ifneq ($(words $(SPEC) $(OUT)),2)
$(error SPEC and OUT must be paths without spaces: rename or link the file)
endif
ifneq ($(strip $(foreach c,$(BAD_PATH_CHARS),$(findstring $c,$(SPEC)$(OUT)))),)
$(error SPEC and OUT must be paths without the characters $(BAD_PATH_CHARS): rename or link the file)
endif
ifeq ($(wildcard mk/tts-$(BACKEND).mk),)
$(error BACKEND=$(BACKEND) is not a backend: use local $(filter-out local,$(sort $(patsubst mk/tts-%.mk,%,$(wildcard mk/tts-*.mk)))))
endif

# Quiet by default: one line per recipe. V=1 shows commands, and tools that
# can explain themselves (cache hits, timings) get -v.
V ?= 0
ifeq ($(V),0)
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
# the same inside a recipe's shell command, chained to what follows
say_sh = printf '  %-6s %s\n' $(1) $(2) &&
VERBOSE :=
else
Q :=
say =
say_sh =
VERBOSE := -v
endif

.DEFAULT_GOAL := all

include mk/deps.mk
include mk/tools.mk
include mk/spec.mk
include mk/tts-$(BACKEND).mk
include mk/vscode.mk
include mk/capture.mk
include mk/slides.mk
include mk/assemble.mk
include mk/test.mk
include mk/fuzz.mk
include mk/bench.mk
include mk/watch.mk
include mk/worker.mk

.PHONY: all clean distclean
all: $(OUT)/$(NAME).mp4

# The installed code-server (make deps-vscode) outlives a clean.
clean:
	find out -mindepth 1 -maxdepth 1 ! -name code-server -exec rm -rf {} + 2>/dev/null || true

distclean:
	rm -rf out
