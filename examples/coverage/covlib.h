/* A second translation unit, so that the dump has more than one file. */
int cov_square(int x);
