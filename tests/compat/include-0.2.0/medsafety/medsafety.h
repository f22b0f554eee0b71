/*
 * medsafety/medsafety.h - umbrella header: includes every public header.
 */
#ifndef MEDSAFETY_MEDSAFETY_H
#define MEDSAFETY_MEDSAFETY_H

#include "common.h"
#include "version.h"
#include "dataset.h"
#include "backend.h"
#include "policy.h"
#include "openai.h"
#include "judge.h"
#include "stats.h"
#include "report.h"
#include "eval.h"
#include "results.h"
#include "mcq.h"
#include "paper.h"
#include "runfolder.h"
#include "batch.h"

#endif /* MEDSAFETY_MEDSAFETY_H */
