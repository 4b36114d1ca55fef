# make watch SPEC=...: build, then rebuild whenever the spec or a file it
# uses (pages, intro/outro, the F5 reference voice) is saved. Ctrl-C stops.

.PHONY: watch
watch: $(DEPS_STAMP) tools
	$(Q)mk/watch.sh '$(SPEC)' '$(OUT)' $(MAKE) --no-print-directory all
