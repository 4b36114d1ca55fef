/* adts.h - AAC frames as an encoder writes them raw, in ADTS: a track's
 * segments, each encoded apart, joined back into one stream */
#ifndef ADTS_H
#define ADTS_H

#include <stdio.h>

/* Samples per AAC-LC frame, and the samples of delay ffmpeg's AAC encoder
 * puts before the first one it is given (its priming): its first frame
 * decodes to AAC_PRIMING samples from before the input. */
#define AAC_FRAME 1024
#define AAC_PRIMING 1024

/* Copy the frames of the ADTS stream `from` to out (or only count them,
 * when out is NULL), the first `skip` of them left out. Returns how many
 * frames `from` held; or -1, with errno set on a read or write error, or
 * errno 0 and *why set when `from` is not a whole ADTS stream. */
long adts_copy(FILE *out, FILE *from, long skip, const char **why);

#endif
