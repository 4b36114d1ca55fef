/* loudnorm.h - the measurement of FFmpeg's loudnorm filter, for its second pass */
#ifndef LOUDNORM_H
#define LOUDNORM_H

/* EBU R128 targets: what video sites normalise speech to. */
#define LOUDNORM_TARGET "I=-16:TP=-1.5:LRA=11"

struct loudness {
	double input_i, input_tp, input_lra, input_thresh, target_offset;
};

/* Read the JSON block that "loudnorm=...:print_format=json" prints last in
 * ffmpeg's log. Returns 0, or -1 with *why set: no block, a field missing,
 * or a level that is not a finite number (silence measures as "-inf"). */
int loudnorm_parse(const char *log, struct loudness *l, const char **why);

/* The second pass: the measured values given back, linear gain. malloc'd. */
char *loudnorm_second_pass(const struct loudness *l);

#endif
