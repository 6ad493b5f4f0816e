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
IMAGE_BUDGET ?= 16384

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wundef -Wtype-limits

# The loader: 64-bit, freestanding, no FPU/SSE (nothing set them up),
# no red zone (no interrupts are expected, but a stray NMI must not corrupt
# the stack), no PIC (linked at 0, flat binary), no CET notes/endbr.
TARGET_CFLAGS := -std=gnu11 -Oz -fno-optimize-sibling-calls -fno-inline-small-functions -mpreferred-stack-boundary=3 -fno-tree-dominator-opts -fno-ipa-modref -fno-tree-loop-im -fno-expensive-optimizations -fno-tree-pta -m64 -ffreestanding -fno-builtin -nostdlib \
	-fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx \
	-mno-avx -mcmodel=small -fno-stack-protector -fno-common \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none \
	-ffunction-sections -fdata-sections $(WARN) -I.
TARGET_LDFLAGS := -nostdlib -static --no-dynamic-linker --gc-sections \
	--orphan-handling=error -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

# Host code: same lib/ sources, sanitizers on for tests and the tool.
SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -I. $(SANITIZE)

LIB_SRCS    := $(sort $(wildcard lib/*.c))
LOADER_SRCS := $(sort $(wildcard loader/*.c))
ARCH_CSRCS  := $(sort $(wildcard arch/x86/*.c))
ARCH_ASRCS  := $(sort $(wildcard arch/x86/*.asm))
TOOL_SRCS   := $(sort $(wildcard tools/cellboot/*.c))

TARGET_OBJS := $(patsubst %.asm,$(BUILD)/target/%.o,$(ARCH_ASRCS)) \
	$(patsubst %.c,$(BUILD)/target/%.o,$(ARCH_CSRCS) $(LOADER_SRCS) $(LIB_SRCS))
HOST_LIB_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(LIB_SRCS))
TOOL_OBJS     := $(patsubst %.c,$(BUILD)/host/%.o,$(TOOL_SRCS))

LOADER_BIN := $(BUILD)/cellboot.bin
TOOL_BIN   := $(BUILD)/cellboot
RESET_ROM  := $(BUILD)/qemu/resetrom.bin
KERNEL     := $(CACHE)/kernels/debian-vmlinuz

.PHONY: all deps kernel check unit qemu-test demo clean bench fuzz
all: $(LOADER_BIN) $(TOOL_BIN)

deps:
	@scripts/install-deps.sh

kernel: deps
	@scripts/fetch-kernel.sh

# --- loader -----------------------------------------------------------------
$(BUILD)/gen/layout.inc: lib/layout.h
	@mkdir -p $(@D)
	$(CC_TARGET) -E -dM $< | sed -n 's/^#define \(CB_[A-Z0-9_]*\) \(.*\)$$/%define \1 \2/p' > $@

$(BUILD)/gen/cellboot.ld: linker/cellboot.ld.S lib/layout.h
	@mkdir -p $(@D)
	$(CC_TARGET) -E -P -x c -I. -o $@.tmp $<
	grep -v '^#' $@.tmp > $@ && rm -f $@.tmp

$(BUILD)/target/%.o: %.asm $(BUILD)/gen/layout.inc
	@mkdir -p $(@D)
	$(NASM) -f elf64 -I$(BUILD)/gen/ -o $@ $<

$(BUILD)/target/%.o: %.c
	@mkdir -p $(@D)
	$(CC_TARGET) $(TARGET_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/cellboot.elf: $(TARGET_OBJS) $(BUILD)/gen/cellboot.ld
	$(LD) $(TARGET_LDFLAGS) -T $(BUILD)/gen/cellboot.ld -o $@ $(TARGET_OBJS)

$(LOADER_BIN): $(BUILD)/cellboot.elf tools/check-image.sh
	$(OBJCOPY) -O binary $< $@
	tools/check-image.sh $< $@ $(IMAGE_BUDGET)

# --- host tool --------------------------------------------------------------
$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

$(TOOL_BIN): $(TOOL_OBJS) $(HOST_LIB_OBJS)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^ $(TOOL_LIBS)

# --- tests ------------------------------------------------------------------
include tests/initramfs/Makefile.inc
include tests/unit/Makefile.inc
include tests/qemu/Makefile.inc
include tools/cellboot/Makefile.inc
include tests/bench/Makefile.inc
include tests/fuzz/Makefile.inc

check: deps all
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) tool-test
	$(MAKE) qemu-test

MACHINE ?= microvm
demo: deps all kernel $(TEST_INITRAMFS)
	BUILD=$(abspath $(BUILD)) $(PYTHON) tests/qemu/demo.py --machine $(MACHINE)

clean:
	rm -rf $(BUILD)/target $(BUILD)/host $(BUILD)/gen $(BUILD)/tests \
		$(BUILD)/qemu $(BUILD)/initramfs $(BUILD)/release $(BUILD)/*.bin $(BUILD)/*.elf \
		$(TOOL_BIN)

-include $(shell find $(BUILD)/target $(BUILD)/host $(BUILD)/release -type f -name '*.d' 2>/dev/null)
