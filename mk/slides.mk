# Slides segments: each slide of a slides.content deck is drawn once into
# $(OUT)/slides/KEY.png, KEY being the hash of what it shows, so a changed
# word draws one slide again; a segment's clip is made from its slides
# (SLIDES_ID, from steps.mk) and its narration, apart from the demo steps'
# capture, and joins the others in the spec's order.

$(OUT)/slides/%.json: $(SPEC_STAMP) ;
$(OUT)/step/%/slides.json: $(SPEC_STAMP) ;

$(OUT)/slides/%.png: $(OUT)/slides/%.json $(BIN)/slidepic
	$(call say,SLIDE,$@)
	$(Q)$(BIN)/slidepic -o $@ $<

define slides_clip
$(OUT)/clip/$1.mp4 $(OUT)/clip/$1.json &: $(OUT)/step/$1/slides.json $(OUT)/wav/$1.wav $$(SLIDES_$1) $(BIN)/slidecap | $(OUT)/clip/
	$$(call say,SLIDES,$(OUT)/clip/$1.mp4)
	$$(Q)$(BIN)/slidecap -w $(OUT)/wav/$1.wav -m $(OUT)/clip/$1.json -o $(OUT)/clip/$1.mp4 $(OUT)/step/$1/slides.json
endef
$(foreach s,$(SLIDE_STEPS),$(eval $(call slides_clip,$s)))
