/* The one translation unit that defines the functions of stubrun/guest.h. */
#define STUBRUN_GUEST_IMPLEMENTATION
#include <stubrun/guest.h>
