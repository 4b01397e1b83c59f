/*
 * anpr/anpr.h - libanpr: errors shared by every part of the host library.
 */
#ifndef ANPR_ANPR_H
#define ANPR_ANPR_H

enum anpr_error {
	ANPR_OK = 0,
	ANPR_ERR_ARG = -1,         /* an argument or option is invalid */
	ANPR_ERR_NOMEM = -2,       /* out of memory */
	ANPR_ERR_IO = -3,          /* a file or device failed */
	ANPR_ERR_PROTOCOL = -4,    /* the record stream is malformed */
	ANPR_ERR_TIMEOUT = -5,     /* the pipeline did not answer in time */
	ANPR_ERR_UNSUPPORTED = -6, /* not available in this build */
	ANPR_ERR_FRAME = -7,       /* the pipeline dropped the frame (stream error) */
};

/* A constant English description of an anpr_error. */
const char *anpr_strerror(int err);

#endif /* ANPR_ANPR_H */
