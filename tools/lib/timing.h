/* timing.h - how many frames a clip needs for its narration */
#ifndef TIMING_H
#define TIMING_H

/* Frames from the clip's start to the end of its tail: the narration
 * starts at lead_in (rounded to a frame, as mux places it) and is never
 * cut by the clip's end, so its length rounds up, not to the nearest. */
long timing_narrated_frames(double lead_in, double narration, double tail, int fps);

#endif
