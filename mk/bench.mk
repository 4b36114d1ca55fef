# Benchmarks print ratios against a baseline measured in the same run.
# Each tests/bench-*.sh measures one part and prints its own lines.

BENCHES := $(sort $(wildcard tests/bench-*.sh))

.PHONY: bench
bench: $(DEPS_STAMP)
	$(Q)set -e; for b in $(BENCHES); do $$b; done
