/* Setting up one run, first part: what boots (IMAGE, --kernel, --cdrom,
 * --drive, --uefi), where the symbols come from (the booted ELF,
 * --symbols, or nowhere) and which architecture they say; the boot files
 * are checked here, before QEMU starts. */
#include "run_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bootfile.h"

static int error_line(run_ctx *r)
{
	run_verdict(r, RUN_EXIT_ERROR, 0, "%s", r->err);
	return -1;
}

/* QEMU's -drive takes comma-separated properties: a comma in a file name
 * would have to be doubled; refused instead, naming the file. */
static int no_comma(run_ctx *r, const char *option, const char *path)
{
	if (!strchr(path, ','))
		return 0;
	run_verdict(r, RUN_EXIT_ERROR, 0, "%s %s: a comma in the path cannot be "
		    "passed to QEMU's -drive", option, path);
	return -1;
}

static int check_drive(run_ctx *r, const char *file)
{
	int fat = !strncmp(file, "fat:", 4);

	if (no_comma(r, "--drive", file) < 0)
		return -1;
	if (fat && bootfile_check("--drive", file + 4, 1, r->err,
				  sizeof(r->err)) < 0)
		return error_line(r);
	if (!fat && bootfile_check("--drive", file, 0, r->err,
				   sizeof(r->err)) < 0)
		return error_line(r);
	return 0;
}

/* Every boot file is there, readable and (for --cdrom) an ISO. */
static int check_files(run_ctx *r)
{
	const cli_options *o = r->opt;
	const struct { const char *option, *path; } files[] = {
		{ "--initrd", o->initrd }, { "--dtb", o->dtb },
		{ "--bios", o->bios },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i].path && bootfile_check(files[i].option,
						    files[i].path, 0, r->err,
						    sizeof(r->err)) < 0)
			return error_line(r);
	if (o->cdrom && (no_comma(r, "--cdrom", o->cdrom) < 0 ||
			 bootfile_check_iso(o->cdrom, r->err, sizeof(r->err)) < 0))
		return r->done ? -1 : error_line(r);
	for (size_t i = 0; i < o->n_drives; i++)
		if (check_drive(r, o->drives[i].file) < 0)
			return -1;
	return 0;
}

/* Real mode loads the sector at 0x7c00 (the BIOS boot protocol). */
#define BOOT_SECTOR_BASE 0x7c00
#define BOOT_SECTOR_SIZE 512

static int check_boot_signature(run_ctx *r)
{
	uint8_t sig[2];
	const image_section *s = image_section_count(r->img) ?
				 image_section_at(r->img, 0) : NULL;

	if (!s || s->size < BOOT_SECTOR_SIZE) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: a boot sector needs %d "
			    "bytes, the file has %" PRIu64, r->opt->image,
			    BOOT_SECTOR_SIZE, s ? s->size : 0);
		return -1;
	}
	if (image_read(sig, r->img, BOOT_SECTOR_BASE + 510, 2) < 0)
		return 0;
	if (sig[0] != 0x55 || sig[1] != 0xaa) {
		/* The BIOS would refuse it and the run could only time out:
		 * say why now. A defect of the image under test, so 1. */
		run_verdict(r, RUN_EXIT_FAIL, 0, "%s: no boot signature (bytes "
			    "510-511 are %02x %02x, not 55 aa): the BIOS will not "
			    "boot it", r->opt->image, sig[0], sig[1]);
		return -1;
	}
	return 0;
}

/* image_open()'s message for a file without the ELF magic (the one
 * IMAGE_EFORMAT case that may be a raw image; tests/src/image.c pins the
 * text): an empty file or a broken ELF is not told it needs --arch. */
static int not_elf(const char *msg)
{
	static const char tail[] = ": not an ELF file";
	size_t n = strlen(msg), t = sizeof(tail) - 1;

	return n >= t && !strcmp(msg + n - t, tail);
}

/* IMAGE: an ELF booted with -kernel, or a raw boot sector (--arch i8086). */
static int open_positional(run_ctx *r, const target_desc *forced)
{
	const cli_options *o = r->opt;
	const target_desc *elf;
	int raw, err;

	raw = forced && forced->load == TARGET_LOAD_BOOTSECTOR;
	err = image_open(&r->img, o->image, raw, raw ? BOOT_SECTOR_BASE : 0,
			 r->err, sizeof(r->err));
	if (err < 0) {
		if (err == IMAGE_EFORMAT && !forced && not_elf(r->err))
			run_verdict(r, RUN_EXIT_ERROR, 0, "%s (a raw image needs "
				    "--arch)", r->err);
		else
			run_verdict(r, RUN_EXIT_ERROR, 0, "%s", r->err);
		return -1;
	}
	if (raw) {
		r->tgt = forced;
		return check_boot_signature(r);
	}
	elf = target_from_elf(image_elf_machine(r->img), image_elf_class(r->img),
			      image_elf_flags(r->img));
	if (!elf) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: unsupported machine "
			    "(e_machine %d)", o->image, image_elf_machine(r->img));
		return -1;
	}
	if (forced && !target_runs_elf(forced, elf)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: an ELF for %s, not for "
			    "--arch %s", o->image, elf->name, forced->name);
		return -1;
	}
	r->tgt = forced ? forced : elf;
	r->boot_elf = o->image;
	return 0;
}


/* The first thing named to boot, for messages: "--kernel FILE". */
static void boot_name(char *out, size_t cap, const cli_options *o)
{
	if (o->kernel || o->cdrom || o->n_drives)
		snprintf(out, cap, "%s %s", o->kernel ? "--kernel" : o->cdrom ?
			 "--cdrom" : "--drive", o->kernel ? o->kernel : o->cdrom ?
			 o->cdrom : o->drives[0].file);
	else if (o->bios)
		snprintf(out, cap, "--bios %s", o->bios);
	else
		snprintf(out, cap, "--uefi");
}

/* Symbols: --symbols, else a --kernel that is an ELF, else none. */
static int open_symbols(const target_desc **elf, run_ctx *r,
			const bootfile_kernel *k)
{
	const cli_options *o = r->opt;
	const char *path = o->symbols ? o->symbols : k->is_elf ? o->kernel : NULL;
	int err;

	*elf = NULL;
	if (!path) {
		if (image_new_empty(&r->img, "(no symbols)") == 0)
			return 0;
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	err = o->symbols ? image_open_symbols(&r->img, path, r->err, sizeof(r->err))
			 : image_open(&r->img, path, 0, 0, r->err, sizeof(r->err));
	if (err < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s%s", o->symbols ? "--symbols " :
			    "--kernel ", r->err);
		return -1;
	}
	if (!o->symbols)
		r->boot_elf = o->kernel;
	if (image_elf_machine(r->img))
		*elf = target_from_elf(image_elf_machine(r->img),
				       image_elf_class(r->img),
				       image_elf_flags(r->img));
	return 0;
}

/* No IMAGE: the architecture from --arch, the symbols' ELF, or the
 * --kernel header (targets/ knows each magic), and they must agree. */
static int open_boot(run_ctx *r, const target_desc *forced)
{
	const cli_options *o = r->opt;
	bootfile_kernel k = { 0 };
	const target_desc *elf, *tgt;

	if (o->kernel && bootfile_probe_kernel(&k, o->kernel, r->err,
					       sizeof(r->err)) < 0)
		return error_line(r);
	if (open_symbols(&elf, r, &k) < 0)
		return -1;
	/* What boots says the run's architecture before the symbols do. */
	tgt = forced ? forced : k.tgt ? k.tgt : elf;
	if (!tgt) {
		char what[300];
		boot_name(what, sizeof(what), o);
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: cannot tell the "
			    "architecture (no ELF, no known kernel header): give "
			    "--arch%s", what, o->symbols ? " (a System.map does "
			    "not say)" : " or --symbols");
		return -1;
	}
	if (elf && !target_runs_elf(tgt, elf)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: an ELF for %s, not for %s "
			    "(the run's architecture)", image_path(r->img),
			    elf->name, tgt->name);
		return -1;
	}
	if (k.tgt && !target_runs_elf(tgt, k.tgt)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--kernel %s: a kernel for %s, "
			    "not for %s", o->kernel, k.tgt->name, tgt->name);
		return -1;
	}
	r->tgt = tgt;
	return 0;
}

/* What the target must know for the boot inputs given. */
static int check_target(run_ctx *r)
{
	const cli_options *o = r->opt;
	const target_desc *t = r->tgt;

	if (o->uefi && o->bios) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--uefi and --bios both name "
			    "the firmware: give one");
		return -1;
	}
	if (o->uefi && !t->uefi) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--uefi: no UEFI firmware is "
			    "known for %s", t->name);
		return -1;
	}
	if ((o->n_drives && !t->drive_if) || (o->cdrom && !t->cdrom_drive)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: %s's machine has no disk "
			    "interface known to stubrun (use --qemu-arg)",
			    o->cdrom ? "--cdrom" : "--drive", t->name);
		return -1;
	}
	return 0;
}

/* -machine: --machine, else what targets/ reads in the image's build
 * attributes (an Armv7E-M image: a Cortex-M4 board; an A-profile one: the
 * board whose RAM holds its entry point), else the default. */
static void pick_machine(run_ctx *r)
{
	const target_desc *t = r->tgt;
	const image_section *attrs;
	const char *m;

	r->machine = r->opt->machine ? r->opt->machine : t->machine;
	if (r->opt->machine || !t->machine_for_attrs || !image_is_elf(r->img))
		return;
	attrs = image_section_named(r->img, t->attrs_section);
	if (attrs && attrs->data &&
	    (m = t->machine_for_attrs(attrs->data, (size_t)attrs->size,
				      image_entry(r->img))))
		r->machine = m;
}

int run_setup_image(run_ctx *r)
{
	const cli_options *o = r->opt;
	const target_desc *forced = NULL;
	char names[128];

	if (o->arch && !(forced = target_by_name(o->arch))) {
		target_names(names, sizeof(names), ", ");
		run_verdict(r, RUN_EXIT_ERROR, 0, "--arch '%s': unknown "
			    "architecture (%s)", o->arch, names);
		return -1;
	}
	if (o->image && (o->kernel || o->symbols)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: IMAGE is an ELF booted with "
			    "its own symbols; %s is for a run without IMAGE",
			    o->image, o->kernel ? "--kernel" : "--symbols");
		return -1;
	}
	if (check_files(r) < 0 ||
	    (o->image ? open_positional(r, forced) : open_boot(r, forced)) < 0 ||
	    check_target(r) < 0 || run_user_setup(r) < 0)
		return -1;
	if (o->symbols_offset)
		image_set_bias(r->img, o->symbols_offset);
	pick_machine(r);
	return 0;
}
