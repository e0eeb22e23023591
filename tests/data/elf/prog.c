/* Test program for the image, disassembly and unwinding tests: a fixed
 * call chain _start -> top -> middle -> leaf, data in .data and .bss.
 * It is compiled, never run. Each opening brace shares its function's line
 * so that the entry address maps to that line on every compiler. */
volatile int sink;
int counter = 5;
int zeroed[16];

__attribute__((noinline)) int leaf(int x) {
	sink = x;
	return x + zeroed[x & 15];
}

__attribute__((noinline)) int middle(int x) {
	return leaf(x + 1) + 1;
}

__attribute__((noinline)) int top(int x) {
	return middle(x * 2) + 2;
}

void _start(void) {
	sink = top(counter);
	for (;;)
		;
}
