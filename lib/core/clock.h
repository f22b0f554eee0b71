/* lib/core/clock.h - monotonic and wall-clock time. */
#ifndef MSB_CORE_CLOCK_H
#define MSB_CORE_CLOCK_H

/* Milliseconds on the monotonic clock (for durations). */
double msb__now_ms(void);
/* Wall-clock time as ISO 8601 UTC, e.g. "2026-11-28T19:00:00Z", into buf[32]. */
void msb__iso8601_now(char buf[32]);

#endif
