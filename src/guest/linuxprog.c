/* Linux program detection (src/guest/linuxprog.h): the ELF header's
 * OS/ABI and type, PT_INTERP, and the GNU ABI tag note, from an opened
 * image or from a file's headers alone. */
#include "linuxprog.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>

/* The PT_INTERP string into out (cut to its capacity). */
static int read_interp(char *out, size_t cap, Elf *elf, const GElf_Phdr *ph)
{
	size_t fsize = 0;
	const char *file = elf_rawfile(elf, &fsize);
	size_t n;

	if (!file || ph->p_offset > fsize || ph->p_filesz > fsize - ph->p_offset)
		return IMAGE_EFORMAT;
	n = (size_t)ph->p_filesz;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, file + ph->p_offset, n);
	out[n] = '\0';
	out[strnlen(out, n)] = '\0';
	return 0;
}

/* 1 when a note section holds NT_GNU_ABI_TAG from "GNU" (crt1.o's
 * .note.ABI-tag: the C library's start files put it there). */
static int has_abi_tag(Elf *elf)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0)
			if (nh.n_type == NT_GNU_ABI_TAG && nh.n_namesz == 4 &&
			    !memcmp((const char *)d->d_buf + name_off, "GNU", 4))
				return 1;
	}
	return 0;
}

/* Fills *out from `elf` and its header `eh`; 0 for an ELF that is no
 * Linux program too. */
static int probe_elf(linuxprog_info *out, Elf *elf, const GElf_Ehdr *eh)
{
	size_t nph = 0;
	int interp = 0;

	out->machine = eh->e_machine;
	out->elf_class = eh->e_ident[EI_CLASS];
	out->flags = eh->e_flags;
	if (eh->e_ident[EI_OSABI] != ELFOSABI_SYSV &&
	    eh->e_ident[EI_OSABI] != ELFOSABI_GNU)
		return 0;
	if (elf_getphdrnum(elf, &nph) < 0)
		nph = 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		if (read_interp(out->interp, sizeof(out->interp), elf, &ph) < 0)
			return IMAGE_EFORMAT;
		interp = 1;
		break;
	}
	out->is_linux = interp || has_abi_tag(elf);
	out->is_pie = out->is_linux && eh->e_type == ET_DYN;
	return 0;
}

int linuxprog_probe(linuxprog_info *out, const image *img)
{
	Elf *elf = image_elf_handle(img);
	GElf_Ehdr eh;

	memset(out, 0, sizeof(*out));
	/* A raw image, or one without an ELF header: no Linux program. */
	if (!elf || !gelf_getehdr(elf, &eh))
		return 0;
	return probe_elf(out, elf, &eh);
}

int linuxprog_probe_fd(linuxprog_info *out, int fd)
{
	Elf *elf;
	GElf_Ehdr eh;
	int err = IMAGE_EFORMAT;

	memset(out, 0, sizeof(*out));
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &eh))
		err = probe_elf(out, elf, &eh);
	elf_end(elf);
	return err;
}
