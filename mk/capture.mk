# Capture: one silent clip per step, as long as its narration needs. The
# clip's meta file (frame count, where the narration starts) comes from the
# same run, hence the grouped targets. A failed attempt leaves its
# screenshot and reason in $(OUT)/fail/.

# The spec's pre_setup commands are read from their fragment by presetup,
# never put on a command line here.
$(OUT)/pre_setup.json: $(SPEC_STAMP) ;

ifeq ($(CAPTURE_MODE),continuous)
# One page across the whole tour, its state carried from step to step: every
# clip comes from one run, so they are remade together, each time from the
# state pre_setup makes, and again when a step is added, removed or moved
# (steps.mk lists them). When only narrations changed, and their lengths
# leave every clip as it is (actions outlast them) or change only how long
# a still ending lasts, stepcap -k keeps the clips (holding such an ending
# longer or shorter), and neither pre_setup nor the browser runs; it sees the steps'
# order in their fragments, and is told what else must be older than every
# clip (-n): not make's $?, which a grouped target has for one target only.
# Slides segments are not on the page: mk/slides.mk makes their clips.
CAP_STEPS := $(filter-out $(SLIDE_STEPS),$(STEPS))
CAPS := $(patsubst %,$(OUT)/step/%/cap.json,$(CAP_STEPS))
CAP_CLIPS := $(patsubst %,$(OUT)/clip/%.mp4,$(CAP_STEPS))
CAP_WAVS := $(CAP_STEPS:%=$(OUT)/wav/%.wav)
CAP_INPUTS := $(CAPS) $(OUT)/pre_setup.json $(BIN)/presetup $(BIN)/stepcap $(VSCODE_PREREQS)

ifneq ($(CAP_STEPS),)
$(CAP_CLIPS) $(CAP_CLIPS:.mp4=.json) &: $(CAP_WAVS) $(OUT)/steps.mk $(CAP_INPUTS) | $(OUT)/clip/
	$(Q)if [ "$$($(BIN)/stepcap -k $(addprefix -n ,$(CAP_INPUTS)) -d $(OUT) $(CAPS))" = kept ]; then \
		$(call say_sh,KEEP,'$(OUT)/clip/*.mp4') :; \
	else \
		$(call say_sh,SETUP,$(OUT)/pre_setup.json) \
		$(BIN)/presetup $(OUT)/pre_setup.json && \
		$(call say_sh,CAP,'$(OUT)/clip/*.mp4') \
		$(VSCODE_RUN) $(BIN)/stepcap -f $(OUT)/fail -d $(OUT) $(CAPS); \
	fi
endif
else
# Steps on their own need pre_setup once, before the first of them, and
# again when the commands change.
PRE_SETUP := $(OUT)/.pre-setup

$(PRE_SETUP): $(OUT)/pre_setup.json $(BIN)/presetup
	$(call say,SETUP,$<)
	$(Q)$(BIN)/presetup $<
	$(Q)touch $@

# A fresh browser per step: steps capture in parallel under make -j.
$(OUT)/clip/%.mp4 $(OUT)/clip/%.json &: $(OUT)/step/%/cap.json $(OUT)/wav/%.wav $(BIN)/stepcap $(PRE_SETUP) $(VSCODE_PREREQS) | $(OUT)/clip/
	$(call say,CAP,$(OUT)/clip/$*.mp4)
	$(Q)$(VSCODE_RUN) $(BIN)/stepcap -f $(OUT)/fail -w $(OUT)/wav/$*.wav -m $(OUT)/clip/$*.json -o $(OUT)/clip/$*.mp4 $<
endif

# stepcap writes every clip under a temporary name and renames it, so a
# failed capture leaves the earlier clips whole; make 4.3 would still delete
# a grouped rule's other targets on error, changed or not.
.PRECIOUS: $(OUT)/clip/%.mp4 $(OUT)/clip/%.json $(CLIPS) $(CLIPS:.mp4=.json)

.PHONY: clips
clips: $(CLIPS)
