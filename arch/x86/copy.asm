; SPDX-License-Identifier: MIT
;
; void move_bytes(u64 dst, u64 src, u64 n)  -- overlap-safe memmove
; Forward `rep movsq` when dst <= src or the ranges do not overlap,
; backward (std) otherwise; the 0-7 byte tail goes with `rep movsb`.

bits 64
section .asm progbits alloc exec nowrite align=16

global move_bytes
move_bytes:
	mov	rcx, rdx
	cmp	rdi, rsi
	je	.done
	jb	.forward
	lea	rax, [rsi + rdx]
	cmp	rdi, rax
	jae	.forward
	; backward: dst overlaps the tail of src
	std
	lea	rsi, [rsi + rdx - 1]
	lea	rdi, [rdi + rdx - 1]
	and	rcx, 7
	rep movsb
	sub	rsi, 7
	sub	rdi, 7
	mov	rcx, rdx
	shr	rcx, 3
	rep movsq
	cld
	ret
.forward:
	shr	rcx, 3
	rep movsq
	mov	rcx, rdx
	and	rcx, 7
	rep movsb
.done:
	ret
