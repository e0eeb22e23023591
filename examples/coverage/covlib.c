/* A second translation unit of the coverage guest (see cov.c). */
#include "covlib.h"

int cov_square(int x)
{
	return x * x;
}
