/* The "flood10m" variant: flood.c with 10 MiB of console lines, the guest
 * of the console-matching benchmark (bench/run.sh, docs/BENCHMARKS.md). */
#define FLOOD_LINES 163840
#include "flood.c"
