/* newlib + librdimon built with the toolchain's stock A-profile specs
 * (aprofile-ve.specs: its own crt0, linker script and memory map, nothing
 * made to fit stubrun), run on vexpress-a15. newlib's crt0 sets up heap
 * and stack from SYS_HEAPINFO, so malloc and fopen work only when that
 * answer is right. Writes rdimon.txt in the working directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *block = malloc(256 * 1024);
	FILE *f = fopen("rdimon.txt", "w");

	if (!block || !f) {
		printf("malloc %s, fopen %s\n", block ? "ok" : "failed",
		       f ? "ok" : "failed");
		return 2;
	}
	memset(block, 'x', 256 * 1024);
	fprintf(f, "written through newlib's stdio, %d bytes allocated\n",
		256 * 1024);
	fclose(f);
	free(block);
	printf("rdimon stock: malloc and fopen ok\n");
	return 0;
}
