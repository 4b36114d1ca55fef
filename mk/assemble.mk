# Assembly: clips joined by stream copy, narration laid at exact offsets;
# subtitles and the chapter list are written beside the video by the same run.
# MUX_MEDIA (from steps.mk): the intro/outro clips; a missing one is left to
# mux, which names it.

$(OUT)/$(NAME).mp4 $(OUT)/$(NAME).srt $(OUT)/$(NAME).vtt $(OUT)/$(NAME).chapters.txt &: \
		$(OUT)/mux.json $(CLIPS) $(WAVS) $(wildcard $(MUX_MEDIA)) $(BIN)/mux
	$(call say,MUX,$(OUT)/$(NAME).mp4)
	$(Q)$(BIN)/mux -d $(OUT) -o $(OUT)/$(NAME).mp4 $<

# Something to look at: thumbnails, durations, cache use, a contact sheet.
$(OUT)/report.html $(OUT)/contact-sheet.png &: $(OUT)/$(NAME).mp4 $(BIN)/tourreport
	$(call say,REPORT,$(OUT)/report.html)
	$(Q)$(BIN)/tourreport -d $(OUT) -v $(OUT)/$(NAME).mp4 $(OUT)/mux.json

.PHONY: report
report: $(OUT)/report.html
all: $(OUT)/report.html
