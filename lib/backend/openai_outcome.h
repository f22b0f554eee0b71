/* lib/backend/openai_outcome.h - classification of transport failures (needs the backend's state). */
#ifndef MSB_BACKEND_OPENAI_OUTCOME_H
#define MSB_BACKEND_OPENAI_OUTCOME_H

#include "backend/openai.h"
#include "backend/openai_backend.h"
#include "core/curlsym.h"

/* A transfer that failed below HTTP (connect, TLS, timeout, reset, size). */
void msb__oa_classify_transport(const oa *be, const oa_req *r, CURLcode res, msb__oa_outcome *o);

#endif
