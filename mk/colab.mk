# The Colab round trip, shared by BACKEND=colab and BACKEND=colab-f5: one
# rule makes every WAV that is missing or older than its fragment. Cached
# steps are copied from the cache; the rest travel as ONE job through the
# jobs folder (DRIVE=path, or REMOTE=name:path through rclone), the build
# waits for the worker, then checks and copies the WAVs into the cache and
# $(OUT)/wav/. The job's id is kept in $(OUT)/colab-job.json until its
# audio is collected, so a build interrupted while waiting re-attaches.
#
# The rule's target is a stamp; each WAV hangs off it with an empty recipe,
# so make re-reads the WAVs' mtimes and remakes only the clips whose audio
# moved (the same trick as the fragments in mk/spec.mk).

COLAB_TIMEOUT ?= 600
DRIVE  ?=
REMOTE ?=
COLAB_DIR   := $(OUT)/colab
COLAB_STAMP := $(OUT)/.colab-wavs
COLAB_TOOLS := $(BIN)/spec2req $(BIN)/jobsend $(BIN)/waitmarker $(BIN)/wavcopy
TTS_FRAGMENTS := $(patsubst %,$(OUT)/step/%/tts.json,$(STEPS))
# Passed through the environment, so a quote in a Drive path stays a quote.
export DRIVE REMOTE
COLAB_TO    := $(if $(REMOTE),-r "$$REMOTE",$(if $(DRIVE),-d "$$DRIVE"))
# A remote job is read into a local copy; a local one is read where it is.
COLAB_STAGE := $(if $(REMOTE),-s $(COLAB_DIR)/stage)
COLAB_SRC   := $(if $(REMOTE),$(COLAB_DIR)/stage,"$$job")
# After the wait failed: a job that failed for good (exit 1: its worker's
# error, or files that can never be right) is forgotten, so the next build
# sends a new one; one that timed out stays recorded, and how to give it up
# is said.
COLAB_FAILED = if [ $$status = 1 ]; then \
		rm -f $(OUT)/colab-job.json; \
		echo "colab: that job failed for good: the next build sends a new one" >&2; \
	else \
		echo "colab: the job stays recorded in $(OUT)/colab-job.json and the next build re-attaches to it; to send a new one instead: make colab-abandon SPEC=$(SPEC) OUT=$(OUT)" >&2; \
	fi
# A WAV deleted by hand must come back although no fragment moved.
COLAB_MISSING := $(filter-out $(wildcard $(WAVS)),$(WAVS))

$(COLAB_STAMP): $(TTS_FRAGMENTS) $(COLAB_TOOLS) $(if $(COLAB_MISSING),colab-missing) | $(OUT)/wav/ $(CACHE)/tts/
	$(call say,COLAB,$(OUT)/wav)
	$(Q)$(BIN)/spec2req -b $(BACKEND) -o $(OUT) -r $(COLAB_DIR) -c $(CACHE)/tts $(SPEC)
	$(Q)while read id key; do \
		$(BIN)/wavcopy -r hit $(CACHE)/tts/$$key.wav $(OUT)/wav/$$id.wav || exit; \
	done <$(COLAB_DIR)/hits
	$(Q)if [ -s $(COLAB_DIR)/misses ]; then \
		rm -rf $(COLAB_DIR)/stage && \
		job=$$($(BIN)/jobsend $(VERBOSE) -b $(BACKEND) $(COLAB_TO) -p $(OUT)/colab-job.json $(COLAB_DIR)/job) && \
		{ $(BIN)/waitmarker -t $(COLAB_TIMEOUT) -n $(COLAB_DIR)/job/request.json \
			-o $(COLAB_DIR)/manifest.json $(COLAB_STAGE) "$$job" || \
			{ status=$$?; $(COLAB_FAILED); exit $$status; }; } && \
		while read id key; do \
			$(BIN)/wavcopy -r made -m $(COLAB_DIR)/manifest.json -c $(CACHE)/tts -k $$key \
				$(COLAB_SRC)/audio/step-$$id.wav $(OUT)/wav/$$id.wav || exit; \
		done <$(COLAB_DIR)/misses && \
		rm -f $(OUT)/colab-job.json; \
	fi
	$(Q)touch $@

$(OUT)/wav/%.wav: $(OUT)/step/%/tts.json $(COLAB_STAMP) ;

.PHONY: tts colab-missing
tts: $(WAVS)
