# make worker DRIVE=path [ENGINE=espeak|kokoro|f5]: run the Colab worker
# here, in the foreground, on a jobs folder (espeak needs no GPU).

ENGINE ?= espeak
WORKER_JOBS = $(or $(DRIVE),$(COLAB_TTS_DRIVE_PATH))
# through the environment, so a quote in the path stays a quote
worker: export WORKER_JOBS := $(WORKER_JOBS)

.PHONY: worker
worker:
	$(if $(WORKER_JOBS),,$(error make worker needs DRIVE=path, the jobs folder to watch))
	$(Q)python3 colab/jobworker.py --jobs "$$WORKER_JOBS" --engine $(ENGINE) $(WORKER_FLAGS)

# make colab-abandon SPEC=…: give up the Colab job this build is waiting for
# (the next build sends a new one instead of re-attaching).
# make colab-clean [BACKEND=colab-f5] [DRIVE=…|REMOTE=…] [CLEAN_AGE=hours]:
# remove finished jobs from the jobs folder, never one still pending or at work.
CLEAN_AGE ?=
export DRIVE REMOTE CLEAN_AGE
.PHONY: colab-abandon colab-clean
colab-abandon: $(BIN)/jobclean
	$(Q)$(BIN)/jobclean -p $(OUT)/colab-job.json

colab-clean: $(BIN)/jobclean
	$(Q)$(BIN)/jobclean $(if $(CLEAN_AGE),-a "$$CLEAN_AGE") \
		-b $(if $(filter colab-f5,$(BACKEND)),colab-f5,colab) \
		$(if $(REMOTE),-r "$$REMOTE",$(if $(DRIVE),-d "$$DRIVE"))
