/* copyfile.h - copy a file so that the destination is never half written */
#ifndef COPYFILE_H
#define COPYFILE_H

/* Copy from to a temporary name beside to, fsync, rename over to, fsync
 * its folder (durable as file.h says); the folder is made when missing. Returns 0, or -1 with errno (nothing left
 * behind but an untouched earlier to). */
int copy_file_atomic(const char *from, const char *to);

#endif
