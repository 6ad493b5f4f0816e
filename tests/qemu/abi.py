"""The numbers of the boot and cell ABIs, named once for every Python test.

The tests in tests/qemu, tests/tool, tests/bench and tests/package take
every fixed address, struct offset and flag from here, never as a literal
of their own. The values come from build/gen/abi.json, which the build
writes by compiling tests/qemu/abijson.c against the project's C headers
(`make build/gen/abi.json`; every target that runs Python tests depends on
it), so the C code and the tests cannot disagree. The C headers pin each
offset with a static assert to the number of the upstream document:

  LAYOUT               lib/layout.h: cellboot's fixed addresses (docs/layout.md)
  BOOT_PARAMS          the zero page with the setup_header fields flattened in
                       (they sit at the same offsets in a bzImage's first page):
                       Linux Documentation/arch/x86/boot.rst ("The real-mode
                       kernel header") and zero-page.rst; lib/abi/bootparam.h
  E820_ENTRY,          boot_params' e820 entry and a setup_data node header:
  SETUP_DATA           Linux arch/x86/include/uapi/asm/bootparam.h;
                       lib/abi/bootparam.h
  JH_SETUP             the SETUP_JAILHOUSE payload, version 2: Linux
                       arch/x86/include/uapi/asm/bootparam.h
                       (struct jailhouse_setup_data); lib/abi/bootparam.h
  CELL_DESC, CONSOLE,  the binary cell config, revision 14 ("JHCLL"):
  MEMORY, CACHE,       Jailhouse include/jailhouse/cell-config.h;
  IRQCHIP, PIO,        lib/abi/cell_config.h
  PCI_DEVICE, PCI_CAP
  COMM_REGION          the x86 comm region, ABI revision 2 ("JHCOMM"):
                       Jailhouse include/jailhouse/hypercall.h and
                       include/arch/x86/asm/jailhouse_hypercall.h;
                       lib/abi/comm_region.h
  ELF_HEADER,          an ELF64 file header and program header: System V ABI,
  ELF_PHDR             "ELF-64 Object File Format"; lib/abi/elf.h

and every flag and magic value of those headers as a module attribute of
the same name as in C: JAILHOUSE_MEM_READ, JAILHOUSE_MEM_COMM_REGION,
JAILHOUSE_CON_TYPE_8250, JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED,
JAILHOUSE_CELL_FAILED, SETUP_JAILHOUSE, E820_TYPE_RAM, XLF_KERNEL_64,
BP_HDRS_MAGIC, COMM_REGION_DEFAULT_BASE, PT_LOAD, ... (tests/qemu/abijson.c
lists them).
"""

import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
PATH = os.path.join(BUILD, "gen", "abi.json")
# what abi.json is made from: a newer one means the file is stale
SOURCES = [os.path.join(ROOT, "lib", "layout.h"),
           os.path.join(ROOT, "tests", "qemu", "abijson.c")] + \
    sorted(os.path.join(ROOT, "lib", "abi", f)
           for f in os.listdir(os.path.join(ROOT, "lib", "abi")))


def _load():
    remake = "run `make BUILD=%s %s` (the make targets that run the Python tests " \
        "build it)" % (BUILD, PATH)
    if not os.path.isfile(PATH):
        raise RuntimeError("%s is missing: %s" % (PATH, remake))
    built = os.path.getmtime(PATH)
    stale = [s for s in SOURCES if os.path.getmtime(s) > built]
    if stale:
        raise RuntimeError("%s is older than %s: %s"
                           % (PATH, os.path.relpath(stale[0], ROOT), remake))
    with open(PATH) as f:
        return json.load(f)


class Struct:
    """One C struct: each field's offset and size as the compiler laid
    them out; get/put read and write a field of a buffer (little-endian
    integers, raw bytes for arrays), at base if the struct does not start
    at offset 0."""

    def __init__(self, name, desc):
        self.name = name
        self.size = desc["sizeof"]
        self.fields = {k: tuple(v) for k, v in desc.items() if k != "sizeof"}

    def off(self, field):
        return self.fields[field][0]

    def end(self, field):
        off, size = self.fields[field]
        return off + size

    def span(self, field, base=0):
        """The field's bytes as a slice object (base + offset, + size)."""
        off, size = self.fields[field]
        return slice(base + off, base + off + size)

    def get(self, data, field, base=0):
        raw = bytes(data[self.span(field, base)])
        if len(raw) != self.fields[field][1]:
            raise ValueError("%s.%s: %d bytes, the buffer ends first"
                             % (self.name, field, len(raw)))
        return int.from_bytes(raw, "little") if len(raw) in (1, 2, 4, 8) else raw

    def put(self, buf, field, value, base=0):
        off, size = self.fields[field]
        raw = value.to_bytes(size, "little") if isinstance(value, int) else bytes(value)
        if len(raw) != size:
            raise ValueError("%s.%s takes %d bytes, not %d" % (self.name, field, size, len(raw)))
        buf[base + off:base + off + size] = raw
        return buf

    def patched(self, data, field, value, base=0):
        """A copy of data with one field replaced."""
        return bytes(self.put(bytearray(data), field, value, base))


_ABI = _load()
LAYOUT = dict(_ABI["layout"])
(BOOT_PARAMS, E820_ENTRY, SETUP_DATA, JH_SETUP, CELL_DESC, CONSOLE, MEMORY, CACHE, IRQCHIP,
 PIO, PCI_DEVICE, PCI_CAP, COMM_REGION, ELF_HEADER, ELF_PHDR) = (
    Struct(name, _ABI[name]) for name in (
        "boot_params", "boot_e820_entry", "setup_data", "jailhouse_setup_data",
        "jailhouse_cell_desc", "jailhouse_console", "jailhouse_memory", "jailhouse_cache",
        "jailhouse_irqchip", "jailhouse_pio", "jailhouse_pci_device",
        "jailhouse_pci_capability", "jailhouse_comm_region", "elf64_ehdr", "elf64_phdr"))
globals().update(_ABI["constants"])
# the signatures as the bytes they are in a file
CELL_SIGNATURE = _ABI["constants"]["JAILHOUSE_CELL_DESC_SIGNATURE"].encode()
COMM_SIGNATURE = _ABI["constants"]["COMM_REGION_SIGNATURE"].encode()


def e820_entries(bp):
    """boot_params' e820 table as (addr, size, type) tuples, e820_entries of them."""
    n = BOOT_PARAMS.get(bp, "e820_entries")
    base = BOOT_PARAMS.off("e820_table")
    return [tuple(E820_ENTRY.get(bp, f, base + E820_ENTRY.size * i)
                  for f in ("addr", "size", "type")) for i in range(n)]


def memory_offset(cell, i):
    """Where memory region i of a binary cell config starts: the regions
    follow the descriptor and the CPU set (cell-config.h's order)."""
    return CELL_DESC.size + CELL_DESC.get(cell, "cpu_set_size") + MEMORY.size * i
