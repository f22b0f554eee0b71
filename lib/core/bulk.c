/* lib/core/bulk.c - 2 MiB-aligned, huge-page-advised bump region (see bulk.h). */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "core/alloc.h"
#include "core/bulk.h"

#define HUGE_SIZE ((size_t)2 << 20)
/* address space reserved per block; only touched 2 MiB pages become memory */
#define BLOCK_SIZE ((size_t)32 << 20)

struct msb__bulk_block {
	msb__bulk_block *next;
	size_t size; /* of the mapping, header included */
	size_t used; /* bytes from the start of the mapping */
	size_t last; /* offset of the latest allocation (msb__bulk_pop) */
};

#define HEADER ((sizeof(msb__bulk_block) + 15) & ~(size_t)15)

static msb__bulk_block *map_block(size_t need)
{
	size_t size = need > BLOCK_SIZE - HEADER ? (need + HEADER + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1) : BLOCK_SIZE;
	char *p, *start;
	size_t head;
	msb__bulk_block *blk;

	if (size < need) /* overflow */
		return NULL;
	/* map one huge page more, then trim to a 2 MiB boundary */
	p = mmap(NULL, size + HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (char *)(((uintptr_t)p + HUGE_SIZE - 1) & ~(uintptr_t)(HUGE_SIZE - 1));
	head = (size_t)(start - p);
	if (head)
		munmap(p, head);
	munmap(start + size, HUGE_SIZE - head);
#ifdef MADV_HUGEPAGE
	/* advice only: without transparent huge pages the region still works, in 4 KiB pages */
	madvise(start, size, MADV_HUGEPAGE);
#endif
	blk = (msb__bulk_block *)(void *)start;
	blk->next = NULL;
	blk->size = size;
	blk->used = HEADER;
	blk->last = HEADER;
	return blk;
}

int msb__bulk_active(const msb__bulk *b)
{
	return b->head != NULL;
}

void *msb__bulk_alloc(msb__bulk *b, size_t n)
{
	msb__bulk_block *blk = b->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (msb__allocator_is_custom() || need < n)
		return NULL;
	if (!blk || blk->size - blk->used < need) {
		msb__bulk_block *nb = map_block(need);
		if (!nb)
			return NULL;
		nb->next = blk;
		b->head = blk = nb;
		b->mapped += nb->size;
	}
	blk->last = blk->used;
	blk->used += need;
	return (char *)blk + blk->last;
}

int msb__bulk_owns(const msb__bulk *b, const void *p)
{
	const msb__bulk_block *blk;
	uintptr_t a = (uintptr_t)p;

	for (blk = b->head; blk; blk = blk->next)
		if (a >= (uintptr_t)blk + HEADER && a < (uintptr_t)blk + blk->size)
			return 1;
	return 0;
}

void msb__bulk_pop(msb__bulk *b, const void *p)
{
	msb__bulk_block *blk = b->head;

	if (blk && (const char *)p == (const char *)blk + blk->last && blk->last < blk->used)
		blk->used = blk->last;
}

void msb__bulk_discard(msb__bulk *b, void *p, size_t n)
{
	msb__bulk_block *blk = b->head;
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, end = ((uintptr_t)p + n) & ~(uintptr_t)4095;

	if (blk && (char *)p == (char *)blk + blk->last && blk->last < blk->used) {
		blk->used = blk->last;
		return;
	}
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

void msb__bulk_dispose(msb__bulk *b)
{
	msb__bulk_block *blk = b->head;

	while (blk) {
		msb__bulk_block *next = blk->next;
		munmap(blk, blk->size);
		blk = next;
	}
	b->head = NULL;
	b->mapped = 0;
}
