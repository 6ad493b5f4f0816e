# cellboot: one entry point. `make` builds, `make check` tests, `make demo`
# boots Linux through cellboot under QEMU. See README.md.

BUILD     ?= build
HOSTCC    ?= gcc
CC_TARGET ?= gcc
NASM      ?= nasm
LD        ?= ld
OBJCOPY   ?= objcopy
PYTHON    ?= /usr/bin/python3
CACHE     := $(BUILD)/cache

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wundef -Wtype-limits

# The project's own check builds treat warnings as errors (WERROR=1, passed
# on to the sub-makes); a plain `make` or a packager's build does not.
ifneq ($(filter check tool-test check-toolchains,$(MAKECMDGOALS)),)
WERROR ?= 1
endif
export WERROR
# the loader: warnings are errors in those builds, not in a packager's
# build with a compiler newer than ours
TARGET_WARN := $(filter-out -Werror,$(WARN)) $(if $(filter 1,$(WERROR)),-Werror)

# The loader: freestanding 64-bit code linked at 0 into a flat binary.
# Every flag is here for a reason, and every supported compiler (gcc-11,
# gcc-12, clang-14, clang-16, clang-19; `make check-toolchains`) takes it:
#   -Oz, else -Os            the smallest code the compiler offers: the image
#                            has a fixed budget (gcc-11 has no -Oz)
#   -ffreestanding           no hosted C library behind the code
#   -fno-pic -fno-pie        runs where it is linked: no GOT, no relocations
#                            (Debian's compilers default to PIE)
#   -mno-red-zone            an exception frame is pushed onto the
#                            interrupted stack: nothing may live below %rsp
#   -mgeneral-regs-only      nobody enabled SSE (CR4.OSFXSR is clear): an
#                            SSE/x87 instruction would raise #UD
#   -fno-stack-protector     no canary at %fs:0x28 (no TLS, %fs base 0)
#   -fcf-protection=none     no endbr64 (Debian's gcc emits it by default):
#                            bytes without a use where nothing enforces CET
#   -fno-asynchronous-unwind-tables   nothing unwinds: no .eh_frame to drop
#   -ffunction-sections -fdata-sections   with --gc-sections, unused
#                            functions and data stay out of the image
TARGET_OPT := $(shell $(CC_TARGET) -Oz -x c -c -o /dev/null /dev/null \
	2>/dev/null && echo -Oz || echo -Os)
TARGET_CFLAGS := -std=gnu11 -m64 $(TARGET_OPT) -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fcf-protection=none -fno-asynchronous-unwind-tables \
	-ffunction-sections -fdata-sections $(TARGET_WARN) -I. $(TARGET_EXTRA_CFLAGS)
# -static, no dynamic linker, no GOT/PLT; unused sections dropped; any
# section the linker script does not name is an error.
TARGET_LDFLAGS := -nostdlib -static --no-dynamic-linker --gc-sections \
	--orphan-handling=error -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

# Host test code: same lib/ and tools/lib/ sources, sanitizers on, for the
# unit tests and the test build of the tool ($(ASAN_TOOL)). The tool that
# `make` builds and installs is optimised, without sanitizers
# (tools/cellboot/Makefile.inc).
SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -I. $(SANITIZE)

LIB_SRCS    := $(sort $(wildcard lib/*.c))
LOADER_SRCS := $(sort $(wildcard loader/*.c))
ARCH_CSRCS  := $(sort $(wildcard arch/x86/*.c))
ARCH_ASRCS  := $(sort $(wildcard arch/x86/*.asm))
TOOL_SRCS   := $(sort $(wildcard tools/cellboot/*.c))
# Host-only C shared by the tool, the unit tests and the fuzzers (the cell
# description parser, the cell config writer, the cell simulation).
TOOL_LIB_SRCS := $(sort $(wildcard tools/lib/*.c))

# What the loader links from lib/, listed by hand: a new file enters the
# image only by being named here. lib/ holds nothing else, so a lib/*.c
# that is not named here (or a name without its file) stops the build.
LOADER_LIB_SRCS := lib/bootparams.c lib/bzimage.c lib/cellcfg.c \
	lib/commregion.c lib/crc32.c lib/e820.c lib/elf.c lib/error.c lib/fmt.c \
	lib/jhsetup.c lib/pagetable.c lib/params.c lib/plan.c lib/policy.c \
	lib/string.c
LIB_UNLISTED := $(filter-out $(LOADER_LIB_SRCS),$(LIB_SRCS))
LIB_MISSING  := $(filter-out $(LIB_SRCS),$(LOADER_LIB_SRCS))
$(if $(LIB_UNLISTED),$(error $(LIB_UNLISTED): in lib/ but not in \
	LOADER_LIB_SRCS (Makefile); lib/ is what the loader links: name it \
	there, or move host-only code to tools/lib/))
$(if $(LIB_MISSING),$(error LOADER_LIB_SRCS (Makefile) names \
	$(LIB_MISSING), which is not in lib/))
TARGET_OBJS := $(patsubst %.asm,$(BUILD)/target/%.o,$(ARCH_ASRCS)) \
	$(patsubst %.c,$(BUILD)/target/%.o,$(ARCH_CSRCS) $(LOADER_SRCS) $(LOADER_LIB_SRCS))
HOST_LIB_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(LIB_SRCS) $(TOOL_LIB_SRCS))
TOOL_OBJS     := $(patsubst %.c,$(BUILD)/host/%.o,$(TOOL_SRCS))

LOADER_BIN := $(BUILD)/cellboot.bin
TOOL_BIN   := $(BUILD)/cellboot
ASAN_TOOL  := $(BUILD)/asan/cellboot
# The test kernel, one for every test (unit, tool and QEMU tests read it
# from CELLBOOT_KERNEL): Debian's distribution kernel of KERNEL_FLAVOUR
# (amd64, cloud-amd64, rt-amd64; scripts/fetch-kernel.sh), or any bzImage
# given as TEST_KERNEL (docs/kernel.md).
KERNEL_FLAVOUR ?= amd64
KERNEL     := $(CACHE)/kernels/debian-$(patsubst amd64-,,$(KERNEL_FLAVOUR)-)vmlinuz
TEST_KERNEL ?= $(or $(CELLBOOT_KERNEL),$(KERNEL))
export CELLBOOT_KERNEL := $(abspath $(TEST_KERNEL))

.PHONY: all deps kernel check unit qemu-test demo clean bench fuzz FORCE
all: $(LOADER_BIN) $(TOOL_BIN)

deps:
	@scripts/install-deps.sh

# fetches (or builds, for the Jailhouse-guest kernel) the test kernel
kernel: deps
	@case "$(CELLBOOT_KERNEL)" in \
	"$(abspath $(KERNEL))") scripts/fetch-kernel.sh --build-dir $(abspath $(BUILD)) \
		--flavour $(KERNEL_FLAVOUR) ;; \
	"$(abspath $(JH_KERNEL))") scripts/build-kernel.sh --build-dir $(abspath $(BUILD)) ;; \
	*) test -s "$(CELLBOOT_KERNEL)" && echo "$(CELLBOOT_KERNEL)" || \
		{ echo "make: TEST_KERNEL=$(TEST_KERNEL): no such file" >&2; exit 1; } ;; \
	esac

# --- loader -----------------------------------------------------------------
$(BUILD)/gen/layout.inc: lib/layout.h
	@mkdir -p $(@D)
	$(CC_TARGET) -E -dM $< | sed -n 's/^#define \(CB_[A-Z0-9_]*\) \(.*\)$$/%define \1 \2/p' > $@

# Two links: the first (CB_FIRST_LINK) puts every C function after the
# params buffer and writes a map; tools/pack-first-page.py picks from it the
# functions that fill the gap in front of the params buffer; the second link
# places them there (build/gen/firstpage.ld). No hand-kept object list.
$(BUILD)/gen/cellboot.ld: linker/cellboot.ld.S lib/layout.h
	@mkdir -p $(@D)
	$(CC_TARGET) -E -P -x c -I. -o $@.tmp $<
	grep -v '^#' $@.tmp > $@ && rm -f $@.tmp

$(BUILD)/gen/cellboot-first.ld: linker/cellboot.ld.S lib/layout.h
	@mkdir -p $(@D)
	$(CC_TARGET) -E -P -x c -I. -DCB_FIRST_LINK -o $@.tmp $<
	grep -v '^#' $@.tmp > $@ && rm -f $@.tmp

$(BUILD)/gen/first-link.map: $(TARGET_OBJS) $(BUILD)/gen/cellboot-first.ld
	$(LD) $(TARGET_LDFLAGS) -T $(BUILD)/gen/cellboot-first.ld -Map=$@ \
		-o $(BUILD)/gen/first-link.elf $(TARGET_OBJS)

$(BUILD)/gen/firstpage.ld: $(BUILD)/gen/first-link.map $(BUILD)/gen/layout.inc \
		tools/pack-first-page.py
	$(PYTHON) tools/pack-first-page.py $< $(BUILD)/gen/layout.inc \
		$(BUILD)/gen/entrypage.ld $@

$(BUILD)/target/%.o: %.asm $(BUILD)/gen/layout.inc
	@mkdir -p $(@D)
	$(NASM) -f elf64 -I$(BUILD)/gen/ -o $@ $<

# Objects are rebuilt when the compiler or its flags change (make
# CC_TARGET=clang-16 after a gcc build must not link a mix).
TARGET_STAMP := $(BUILD)/target/compiler.txt
$(TARGET_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(CC_TARGET) $(TARGET_CFLAGS)' | cmp -s - $@ 2>/dev/null || \
		echo '$(CC_TARGET) $(TARGET_CFLAGS)' > $@

$(BUILD)/target/%.o: %.c $(TARGET_STAMP)
	@mkdir -p $(@D)
	$(CC_TARGET) $(TARGET_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/cellboot.elf: $(TARGET_OBJS) $(BUILD)/gen/cellboot.ld $(BUILD)/gen/firstpage.ld
	$(LD) $(TARGET_LDFLAGS) -L $(BUILD)/gen -T $(BUILD)/gen/cellboot.ld -o $@ $(TARGET_OBJS)

$(LOADER_BIN): $(BUILD)/cellboot.elf tools/check-image.sh
	$(OBJCOPY) -O binary $< $@
	tools/check-image.sh $< $@

# --- host tool --------------------------------------------------------------
$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

$(ASAN_TOOL): $(TOOL_OBJS) $(HOST_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^ $(TOOL_LIBS) $(LDLIBS)

# --- tests ------------------------------------------------------------------
include tests/initramfs/Makefile.inc
include tests/unit/Makefile.inc
include tests/qemu/Makefile.inc
include tools/cellboot/Makefile.inc
include tests/bench/Makefile.inc
include tests/fuzz/Makefile.inc
include tests/package/Makefile.inc


check: deps all
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) tool-test
	$(MAKE) qemu-test
	$(MAKE) check-toolchains

# Test builds of the loader with a CPU exception injected on purpose after
# the banner (loader/main.c, CB_TEST_FAULT): 1 reads an unmapped address
# (#PF), 2 executes ud2 (#UD). Never shipped; tests/qemu/test_loader_robustness.py.
CB_TEST_FAULT_ADDR := 0x7ff000000000
FAULT_LOADERS := $(BUILD)/fault-pf/cellboot.bin $(BUILD)/fault-ud/cellboot.bin
.PHONY: fault-loaders
fault-loaders: $(FAULT_LOADERS)
$(BUILD)/fault-pf/cellboot.bin: FORCE
	$(MAKE) -s BUILD=$(BUILD)/fault-pf TARGET_EXTRA_CFLAGS="-DCB_TEST_FAULT=1 -DCB_TEST_FAULT_ADDR=$(CB_TEST_FAULT_ADDR)" $@
$(BUILD)/fault-ud/cellboot.bin: FORCE
	$(MAKE) -s BUILD=$(BUILD)/fault-ud TARGET_EXTRA_CFLAGS="-DCB_TEST_FAULT=2 -DCB_TEST_FAULT_ADDR=0" $@

# The loader with every supported compiler: size, a boot and the
# instruction count with each (scripts/check-toolchains.sh; part of check).
.PHONY: check-toolchains
check-toolchains: deps kernel jh-kernel $(TEST_INITRAMFS) $(TOOL_BIN) $(BENCH_PLUGIN)
	scripts/check-toolchains.sh

MACHINE ?= microvm
# make demo: one `cellboot qemu` call (defaults: the classic cell, the test
# kernel, the test initramfs), then the initramfs's report in plain words
demo: deps all kernel $(TEST_INITRAMFS)
	$(TOOL_BIN) qemu configs/classic.cell.txt $(KERNEL) -i $(TEST_INITRAMFS) \
		--machine $(MACHINE) --expect '^cellboot: handoff to ' \
		--expect 'CBREPORT end' --timeout 600 --serial-log $(BUILD)/demo
	@BUILD=$(abspath $(BUILD)) $(PYTHON) tests/qemu/demo.py $(BUILD)/demo/ttyS0.log

clean:
	rm -rf $(BUILD)/target $(BUILD)/host $(BUILD)/gen $(BUILD)/tests \
		$(BUILD)/qemu $(BUILD)/initramfs $(BUILD)/release $(BUILD)/*.bin $(BUILD)/*.elf \
		$(BUILD)/tool $(BUILD)/asan $(BUILD)/package $(TOOL_BIN)

-include $(shell find $(BUILD)/target $(BUILD)/host $(BUILD)/tool -type f -name '*.d' 2>/dev/null)
