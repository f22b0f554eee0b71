/* lib/core/init.h - library initialisation state. */
#ifndef MSB_CORE_INIT_H
#define MSB_CORE_INIT_H

/* How many msb_init() calls are outstanding. */
int msb__init_count(void);

/*
 * libcurl's global initialisation, on first need: call it before creating
 * the first curl handle. 0, MSB_ESTATE when msb_init() was not called,
 * MSB_ERROR when curl_global_init fails. Thread-safe; cheap after the
 * first call. The last msb_shutdown() undoes it.
 */
int msb__http_init(void);
/* 1 once msb__http_init (or msb_init, with an older libcurl) initialised libcurl. */
int msb__http_initialised(void);

#endif
