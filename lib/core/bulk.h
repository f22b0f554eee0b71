/*
 * lib/core/bulk.h - a bump region for large data that lives and dies with
 * one owner (a loaded dataset's file buffers and item records).
 *
 * Why: on virtual machines with shadow page tables every 4 KiB page the
 * process touches for the first time costs a trap into the hypervisor;
 * loading MedSafetyBench (10.5 MB of files, 8 MB of item records) spent
 * more time in those faults than in parsing. The region is made of
 * anonymous mappings aligned to 2 MiB and marked MADV_HUGEPAGE, so the
 * kernel can back them with 2 MiB pages: one fault instead of 512.
 * Untouched parts of a mapping cost address space only.
 *
 * The region is only used with the C library's allocator: when the host
 * installed its own (msb_set_allocator), msb__bulk_alloc returns NULL and
 * callers use msb__malloc as before, so all memory goes through the hook.
 */
#ifndef MSB_CORE_BULK_H
#define MSB_CORE_BULK_H

#include <stddef.h>

typedef struct msb__bulk_block msb__bulk_block;
typedef struct msb__bulk {
	msb__bulk_block *head; /* the block allocations come from; older ones follow */
	size_t mapped;         /* bytes of address space held */
} msb__bulk;

#define MSB__BULK_INIT { NULL, 0 }

/* 1 when the region has a block (a large allocation happened). */
int msb__bulk_active(const msb__bulk *b);
/*
 * n bytes, 16-aligned, from the region (a new block when the current one
 * is full). NULL when the region cannot be used (custom allocator, no
 * memory to map): the caller falls back to msb__malloc. Sets no error.
 */
void *msb__bulk_alloc(msb__bulk *b, size_t n);
/* 1 when p was returned by msb__bulk_alloc on b (never free it then). */
int msb__bulk_owns(const msb__bulk *b, const void *p);
/* Give back p when it is the latest allocation (otherwise it stays until dispose). */
void msb__bulk_pop(msb__bulk *b, const void *p);
/*
 * Done with the n bytes at p for good (an array that grew elsewhere):
 * popped when it is the latest allocation, otherwise its whole pages go
 * back to the kernel (the address range stays reserved, never reused).
 */
void msb__bulk_discard(msb__bulk *b, void *p, size_t n);
/* Unmap everything. */
void msb__bulk_dispose(msb__bulk *b);

#endif
