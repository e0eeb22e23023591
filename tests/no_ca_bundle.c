/*
 * The CA bundle no test reads. Criterion starts every test in a process
 * of its own, and its start-up (criterion_initialize) initializes libgit2
 * for its diff output; libgit2's mbedTLS back-end then parses the system's
 * whole CA bundle, /etc/ssl/certs/ca-certificates.crt (220 KB, some 140
 * certificates), in each of them. Under AddressSanitizer that was a third
 * of a unit test's CPU (the 14 tests of cli: 2.0 CPU-s, 1.3 without), and
 * make check starts some 700 such processes.
 *
 * No test opens a TLS connection. These two definitions, which the linker
 * exports from the test executable (the Makefile's TEST_EXPORTS), come
 * ahead of libmbedx509's in the loader's lookup, so libgit2 is initialized
 * whole but loads no certificate. Nothing else of libgit2 or mbedTLS
 * changes, and stubrun itself links neither.
 */
/* mbedtls/x509_crt.h's, with the chain left opaque: 0 is "parsed, none
 * failed". */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
