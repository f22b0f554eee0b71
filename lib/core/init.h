/* lib/core/init.h - library initialisation state. */
#ifndef MSB_CORE_INIT_H
#define MSB_CORE_INIT_H

/* How many msb_init() calls are outstanding. */
int msb__init_count(void);

#endif
