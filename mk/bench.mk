# Benchmarks print ratios against a baseline measured in the same run.

.PHONY: bench
bench: $(DEPS_STAMP)
	$(Q)tests/bench.sh
