#!/usr/bin/python3
"""Build the 64 KiB reset ROM for a QEMU "cell" (QEMU -bios image).

The ROM does one thing at the reset vector (offset 0xFFF0, i.e. F000:FFF0):
``cli; jmp 0000:0000`` -- the state a Jailhouse x86 cell starts in.  The same
bytes come out of tests/qemu/resetrom.asm (nasm); this generator exists so that
an Intel MultiProcessor Specification 1.4 table can be added for a stock Linux
kernel that has no Jailhouse guest support (Debian's build): with the MP table
it finds the N CPUs and the IOAPIC without ACPI.

With --cpus N the ROM also carries, at ROM offset 0 (physical 0xF0000):
  * the MP floating pointer structure (16 bytes, 16-byte aligned), then
  * the MP configuration table: N processor entries (APIC IDs 0..N-1, CPU 0 is
    the BSP), one bus "ISA   " (id 0), the IOAPIC at 0xFEC00000 with id N,
    the ISA interrupt assignments QEMU uses (IRQ0 -> INTIN2, IRQ n -> INTIN n;
    leave them out with --no-isa-irqs, Linux then builds the same defaults
    itself and logs "BIOS bug, no explicit IRQ entries") and the two local
    interrupt entries (ExtINT -> LINT0, NMI -> LINT1).
Without --cpus the ROM holds no MP table.

Python 3 standard library only.  Usable as a module: build_rom(), build_mp().
"""

import argparse
import struct
import sys

ROM_SIZE = 0x10000
ROM_PHYS = 0xF0000            # where QEMU aliases a 64 KiB -bios image below 1 MiB
RESET_OFFSET = 0xFFF0
RESET_STUB = bytes([0xFA,                          # cli
                    0xEA, 0x00, 0x00, 0x00, 0x00])  # jmp 0000:0000
FILL = 0xFF

MP_OFFSET = 0x0               # floating pointer at 0xF0000, table right after it
IOAPIC_ADDR = 0xFEC00000
LAPIC_ADDR = 0xFEE00000
LAPIC_VERSION = 0x14          # QEMU's local APIC version
IOAPIC_VERSION = 0x20         # QEMU's IOAPIC version (7.x default)
MAX_CPUS = 254                # xAPIC IDs 0..N-1 plus the IOAPIC id N must fit in a byte


def _checksum_fix(data):
    """Byte that makes sum(data + byte) == 0 mod 256."""
    return (-sum(data)) & 0xFF


def build_mp(cpus, table_phys, ioapic_id=None, isa_irqs=True):
    """Return (floating_pointer_bytes, config_table_bytes).

    table_phys is the physical address the configuration table will live at
    (the floating pointer stores it).
    """
    if not 1 <= cpus <= MAX_CPUS:
        raise ValueError("cpus must be 1..%d, got %d" % (MAX_CPUS, cpus))
    if ioapic_id is None:
        ioapic_id = cpus
    if not 0 <= ioapic_id <= 0xFE or ioapic_id < cpus:
        raise ValueError("IOAPIC id %d collides with APIC IDs 0..%d or is out of range"
                         % (ioapic_id, cpus - 1))
    entries = []
    # Processor entries (type 0, 20 bytes).
    for apic_id in range(cpus):
        cpu_flags = 0x01 | (0x02 if apic_id == 0 else 0)   # EN, BP
        entries.append(struct.pack("<BBBBII8x", 0, apic_id, LAPIC_VERSION, cpu_flags,
                                   0x00000600,     # signature: family 6
                                   0x00000201))    # features: FPU, APIC
    # Bus entry (type 1, 8 bytes).
    entries.append(struct.pack("<BB6s", 1, 0, b"ISA   "))
    # I/O APIC entry (type 2, 8 bytes).
    entries.append(struct.pack("<BBBBI", 2, ioapic_id, IOAPIC_VERSION, 0x01, IOAPIC_ADDR))
    if isa_irqs:
        # I/O interrupt assignment entries (type 3, 8 bytes): INT (0), flags 0 =
        # conforms to the bus (ISA: edge, active high).
        for irq in range(16):
            if irq == 2:
                continue                 # cascade; IRQ0 owns INTIN2
            pin = 2 if irq == 0 else irq
            entries.append(struct.pack("<BBHBBBB", 3, 0, 0, 0, irq, ioapic_id, pin))
    # Local interrupt assignment entries (type 4): ExtINT -> LINT0, NMI -> LINT1
    # on all local APICs (0xFF).
    entries.append(struct.pack("<BBHBBBB", 4, 3, 0, 0, 0, 0xFF, 0))
    entries.append(struct.pack("<BBHBBBB", 4, 1, 0, 0, 0, 0xFF, 1))

    body = b"".join(entries)
    length = 44 + len(body)
    header = bytearray(struct.pack("<4sHBB8s12sIHHIHBx",
                                   b"PCMP", length, 4, 0,
                                   b"CELLBOOT", b"QEMU CELL   ",
                                   0, 0, len(entries), LAPIC_ADDR, 0, 0))
    assert len(header) == 44
    table = bytearray(header + body)
    table[7] = _checksum_fix(table)

    fp = bytearray(struct.pack("<4sIBBBBB3x", b"_MP_", table_phys, 1, 4, 0, 0, 0))
    assert len(fp) == 16
    fp[10] = _checksum_fix(fp)
    return bytes(fp), bytes(table)


def build_rom(cpus=None, base=None, isa_irqs=True, ioapic_id=None):
    """Return the 64 KiB ROM image as bytes.

    base: optional 64 KiB image to start from (e.g. nasm's resetrom.bin); its
    reset vector must already hold the cli/far-jump stub.
    """
    if base is None:
        rom = bytearray([FILL]) * ROM_SIZE
        rom[RESET_OFFSET:RESET_OFFSET + len(RESET_STUB)] = RESET_STUB
    else:
        rom = bytearray(base)
        if len(rom) != ROM_SIZE:
            raise ValueError("base ROM is %d bytes, need %d" % (len(rom), ROM_SIZE))
        if bytes(rom[RESET_OFFSET:RESET_OFFSET + len(RESET_STUB)]) != RESET_STUB:
            raise ValueError("base ROM has no cli/jmp 0000:0000 at offset 0x%X" % RESET_OFFSET)
    if cpus is not None:
        fp_off = MP_OFFSET
        table_off = fp_off + 16
        fp, table = build_mp(cpus, ROM_PHYS + table_off, ioapic_id, isa_irqs)
        if table_off + len(table) > RESET_OFFSET:
            raise ValueError("MP table does not fit in the ROM")
        rom[fp_off:fp_off + 16] = fp
        rom[table_off:table_off + len(table)] = table
    return bytes(rom)


def write_rom(path, cpus=None, base=None, isa_irqs=True):
    """Build the ROM and write it to path (returns path)."""
    data = build_rom(cpus=cpus, base=base, isa_irqs=isa_irqs)
    with open(path, "wb") as f:
        f.write(data)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cpus", type=int, default=None,
                    help="add an MP 1.4 table describing CPUs with APIC IDs 0..N-1")
    ap.add_argument("--no-isa-irqs", action="store_true",
                    help="leave the ISA I/O interrupt entries out of the MP table")
    ap.add_argument("--base", help="start from this 64 KiB image (nasm resetrom.bin)")
    ap.add_argument("-o", "--output", required=True, help="output file")
    args = ap.parse_args(argv)
    base = None
    if args.base:
        with open(args.base, "rb") as f:
            base = f.read()
    try:
        write_rom(args.output, cpus=args.cpus, base=base, isa_irqs=not args.no_isa_irqs)
    except ValueError as e:
        print("mkresetrom: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
