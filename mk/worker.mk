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
