/* String vectors (src/base/strv.h). */
#include "strv.h"

#include <stdlib.h>
#include <string.h>

int strv_append(char ***v, size_t *n, const char *s)
{
	char *copy = strdup(s);
	char **nv;

	if (!copy)
		return -1;
	nv = realloc(*v, (*n + 2) * sizeof(*nv));
	if (!nv) {
		free(copy);
		return -1;
	}
	nv[*n] = copy;
	nv[*n + 1] = NULL;
	(*n)++;
	*v = nv;
	return 0;
}

void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
