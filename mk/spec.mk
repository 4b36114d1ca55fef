# The spec, split: spec2req writes per-step fragments and $(OUT)/steps.mk,
# each only when its content changes. The stamp records that the current spec
# has been split; fragments and steps.mk hang off it with empty recipes, so
# make re-reads their mtimes and remakes only the steps whose fragment moved.

SPEC_STAMP := $(OUT)/.spec-split

# ZOOM=off|auto|mobile: the camera, over the spec's settings.zoom. Its
# value is kept in a file rewritten only when it changes (nothing else is
# written, so an unchanged build touches nothing), so a new value splits
# the spec again and only the steps whose camera moved recapture.
ZOOM ?=
ifneq ($(filter-out off auto mobile,$(ZOOM)),)
$(error ZOOM=$(ZOOM) is not a camera mode: use off, auto or mobile)
endif
ZOOM_STAMP := $(OUT)/.zoom
$(ZOOM_STAMP): FORCE | $(OUT)/
	$(Q)[ "$$(cat $@ 2>/dev/null)" = '$(ZOOM)' ] && [ -e $@ ] || printf '%s\n' '$(ZOOM)' >$@
.PHONY: FORCE
FORCE:

# A missing SPEC still reaches spec2req, which says so in its own words.
$(SPEC_STAMP): $(wildcard $(SPEC)) $(BIN)/spec2req $(ZOOM_STAMP) | $(OUT)/
	$(call say,SPLIT,$(SPEC))
	$(Q)$(BIN)/spec2req -b $(BACKEND) -z '$(ZOOM)' -o $(OUT) $(SPEC)
	$(Q)touch $@

$(OUT)/steps.mk $(OUT)/mux.json: $(SPEC_STAMP) ;
# One rule each: a pattern rule with two targets makes them together, and
# make 4.3 then counts a fragment made beside another (a cap.json beside
# the tts.json a WAV needs) as changed, even when its file was not
# rewritten: a continuous tour's clips were kept and its video assembled
# again whenever the spec was saved unchanged.
$(OUT)/step/%/tts.json: $(SPEC_STAMP) ;
$(OUT)/step/%/cap.json: $(SPEC_STAMP) ;

# Only goals that build a tour read the step list: `make clean` or `make
# test` must not split (or fail on) a spec.
SPEC_GOALS := all tts clips $(OUT)/%
# the build report reads the step list too
SPEC_GOALS += report
ifneq ($(filter $(SPEC_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(OUT)/steps.mk
endif

WAVS  := $(patsubst %,$(OUT)/wav/%.wav,$(STEPS))
CLIPS := $(patsubst %,$(OUT)/clip/%.mp4,$(STEPS))
