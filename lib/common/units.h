/* The sizes tlbbench counts in: x86-64's base page, the span of one page table, a GiB. */
#ifndef TLBBENCH_UNITS_H
#define TLBBENCH_UNITS_H

#define SMALL_PAGE_SIZE 4096ul       /* x86-64 base page */
#define PAGE_TABLE_SPAN (2ul << 20) /* bytes one x86-64 page table maps */
#define MIB (1ul << 20)
#define GIB (1ul << 30)             /* rates are per GiB: divide a (double) by it */

#endif
