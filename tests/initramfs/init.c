/*
 * cellboot test initramfs: /init (PID 1).
 *
 * Reports what the kernel actually received on /dev/console (the serial line
 * in every test), then reboots.  With QEMU's -no-reboot that ends the run.
 *
 * Built static: gcc -static -Os -Wall -Wextra -Werror -o init init.c
 *
 * REPORT FORMAT (version 1)
 * =========================
 * Every report line starts with "CBREPORT " and is at most 600 characters,
 * so a harness can grep the report out of a noisy serial log.  The console
 * tty turns "\n" into "\r\n": strip a trailing "\r".  Fields are separated by
 * single spaces.  All hex dumps are lowercase, two digits per byte, no
 * separators.  Lines, in this order:
 *
 *   CBREPORT begin
 *   CBREPORT cmdline <hex>
 *   CBREPORT cmdline+ <hex>                  (zero or more)
 *       /proc/cmdline minus its single trailing newline, 256 bytes per line;
 *       concatenate the hex of "cmdline" and all following "cmdline+" lines.
 *       An empty command line gives "CBREPORT cmdline " (empty hex).
 *   CBREPORT memmap <start> <end> <type>     (zero or more)
 *       one per /sys/firmware/memmap/N, sorted by start; start and end as
 *       0x%llx (end is inclusive, as sysfs shows it); type with every space
 *       replaced by '_' (System_RAM, Reserved, ACPI_Tables, ...).
 *   CBREPORT dmesg-e820 <message>            (zero or more)
 *       the text of every kernel log record containing "BIOS-e820", read
 *       from /dev/kmsg (fallback: syslog(2)), e.g.
 *       "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable".
 *   CBREPORT bootparams <offset> <hex>       (one per 256-byte chunk)
 *       /sys/kernel/boot_params/data; offset is 0x%x (0x0, 0x100, ...).
 *   CBREPORT bootparams_version <text>
 *       contents of /sys/kernel/boot_params/version, whitespace trimmed
 *       (e.g. 0x020f).
 *   for each /sys/kernel/boot_params/setup_data/N, N ascending:
 *   CBREPORT setup_data <N> type=<decimal> len=<decimal>
 *   CBREPORT setup_data_bytes <N> <offset> <hex>   (one per 256-byte chunk)
 *       or, if the data file is absent or unreadable,
 *   CBREPORT setup_data_bytes <N> error <errno text>
 *       len is the number of bytes read from "data" (the file size when it
 *       cannot be read, 0 when it does not exist).  A zero-length data file
 *       gives no setup_data_bytes line.
 *   CBREPORT cpus online=<n> possible=<n>
 *       CPU counts from /sys/devices/system/cpu/{online,possible}
 *       (-1 if a file cannot be read).
 *   CBREPORT payload path=/payload.bin size=<decimal> crc32=<8 hex digits>
 *       or "CBREPORT payload missing" (ENOENT),
 *       or "CBREPORT payload error <errno text>".
 *       crc32 is zlib's (Python zlib.crc32), lowercase.
 *   CBREPORT end
 *
 * Unexpected failures of a step add "CBREPORT error <step> <errno text>"
 * (step is one word, e.g. memmap, bootparams, dmesg).  Parsers should
 * ignore unknown keywords.  "CBREPORT end" is always the last line; a
 * missing end line means the report was cut off.
 *
 * Kernel messages written to the console while the report is printed could
 * split a report line, so init lowers the console log level to 1 (only
 * KERN_EMERG, e.g. panics, still reach the console) before reporting.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define CHUNK 256	/* data bytes per hex line */
#define LINE_MAX_LEN 600

static int out_fd = 1;
static char line[LINE_MAX_LEN + 2];
static size_t line_len;

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, p, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += r;
		n -= (size_t)r;
	}
}

static void line_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line_len >= LINE_MAX_LEN)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line + line_len, LINE_MAX_LEN + 1 - line_len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	line_len += (size_t)n;
	if (line_len > LINE_MAX_LEN)
		line_len = LINE_MAX_LEN;
}

static void line_begin(const char *key)
{
	line_len = 0;
	line_add("CBREPORT %s", key);
}

static void line_hex(const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	while (n-- > 0 && line_len + 2 <= LINE_MAX_LEN) {
		line[line_len++] = digits[*p >> 4];
		line[line_len++] = digits[*p & 15];
		p++;
	}
}

/* One write() per line keeps a line in one piece on the tty. */
static void line_end(void)
{
	line[line_len++] = '\n';
	write_all(out_fd, line, line_len);
	line_len = 0;
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	va_list ap;
	int n;

	line_len = 0;
	line_add("CBREPORT ");
	va_start(ap, fmt);
	n = vsnprintf(line + line_len, LINE_MAX_LEN + 1 - line_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		line_len += (size_t)n;
	if (line_len > LINE_MAX_LEN)
		line_len = LINE_MAX_LEN;
	line_end();
}

static void report_error(const char *step, int err)
{
	report("error %s %s", step, strerror(err));
}

/*
 * Read a whole file into a malloc'd buffer (NUL-terminated for
 * convenience).  Returns 0 or an errno value.
 */
static int read_file(const char *path, unsigned char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	unsigned char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			unsigned char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				close(fd);
				return ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(buf);
			close(fd);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

/* Read a small text file with surrounding whitespace removed. */
static int read_text(const char *path, char *out, size_t outsz)
{
	unsigned char *data;
	size_t len, a = 0;
	int err;

	err = read_file(path, &data, &len);
	if (err)
		return err;
	while (len > 0 && isspace(data[len - 1]))
		len--;
	while (a < len && isspace(data[a]))
		a++;
	len -= a;
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, data + a, len);
	out[len] = 0;
	free(data);
	return 0;
}

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return EINVAL;
	return 0;
}

/* Dump data as "CBREPORT <key> <offset> <hex>" lines of CHUNK bytes. */
static void dump_hex(const char *key, const unsigned char *p, size_t n)
{
	size_t off;

	for (off = 0; off < n; off += CHUNK) {
		size_t c = n - off < CHUNK ? n - off : CHUNK;

		line_begin(key);
		line_add(" 0x%zx ", off);
		line_hex(p + off, c);
		line_end();
	}
}

static void setup_fs(void)
{
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) && errno != EBUSY)
		report_error("mount_proc", errno);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) && errno != EBUSY)
		report_error("mount_sys", errno);
}

static void report_cmdline(void)
{
	unsigned char *data;
	size_t len, off = 0;
	int err;

	err = read_file("/proc/cmdline", &data, &len);
	if (err) {
		report_error("cmdline", err);
		return;
	}
	if (len > 0 && data[len - 1] == '\n')
		len--;
	do {
		size_t c = len - off < CHUNK ? len - off : CHUNK;

		line_begin(off == 0 ? "cmdline " : "cmdline+ ");
		line_hex(data + off, c);
		line_end();
		off += c;
	} while (off < len);
	free(data);
}

struct memmap_entry {
	unsigned long long start, end;
	char type[64];
};

static int cmp_memmap(const void *a, const void *b)
{
	const struct memmap_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static void report_memmap(void)
{
	static const char base[] = "/sys/firmware/memmap";
	struct memmap_entry *ents = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;

	d = opendir(base);
	if (!d) {
		report_error("memmap", errno);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char path[512], text[64];
		struct memmap_entry e;
		int err;

		if (!is_number(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/start", base, de->d_name);
		err = read_text(path, text, sizeof(text));
		if (!err)
			err = parse_u64(text, &e.start);
		if (!err) {
			snprintf(path, sizeof(path), "%s/%s/end", base, de->d_name);
			err = read_text(path, text, sizeof(text));
		}
		if (!err)
			err = parse_u64(text, &e.end);
		if (!err) {
			snprintf(path, sizeof(path), "%s/%s/type", base, de->d_name);
			err = read_text(path, e.type, sizeof(e.type));
		}
		if (err) {
			report_error("memmap", err);
			continue;
		}
		for (char *p = e.type; *p; p++)
			if (isspace((unsigned char)*p))
				*p = '_';
		if (!e.type[0])
			strcpy(e.type, "-");
		if (n == cap) {
			struct memmap_entry *ne;

			cap = cap ? cap * 2 : 32;
			ne = realloc(ents, cap * sizeof(*ents));
			if (!ne) {
				report_error("memmap", ENOMEM);
				break;
			}
			ents = ne;
		}
		ents[n++] = e;
	}
	closedir(d);
	if (n)
		qsort(ents, n, sizeof(*ents), cmp_memmap);
	for (i = 0; i < n; i++)
		report("memmap 0x%llx 0x%llx %s", ents[i].start, ents[i].end,
		       ents[i].type);
	free(ents);
}

/* Report the text of one log message if it mentions BIOS-e820. */
static void e820_message(const char *msg, size_t len)
{
	if (!memmem(msg, len, "BIOS-e820", 9))
		return;
	line_begin("dmesg-e820 ");
	line_add("%.*s", (int)(len > 500 ? 500 : len), msg);
	line_end();
}

/* Fallback when /dev/kmsg cannot be opened: syslog(2) needs no device. */
static void dmesg_syslog(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p, *end;
	int n;

	if (size <= 0) {
		report_error("dmesg", errno);
		return;
	}
	buf = malloc((size_t)size);
	if (!buf) {
		report_error("dmesg", ENOMEM);
		return;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		report_error("dmesg", errno);
		free(buf);
		return;
	}
	for (p = buf, end = buf + n; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *q = p;
		size_t len;

		if (!nl)
			nl = end;
		/* strip the "<prio>" prefix */
		if (q < nl && *q == '<') {
			char *gt = memchr(q, '>', (size_t)(nl - q));

			if (gt)
				q = gt + 1;
		}
		len = (size_t)(nl - q);
		e820_message(q, len);
		p = nl + 1;
	}
	free(buf);
}

static void report_dmesg(void)
{
	char rec[8192 + 1];
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		report_error("dmesg_kmsg", errno);
		dmesg_syslog();
		return;
	}
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);
		char *semi, *msg, *nl;

		if (r < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;	/* EPIPE: records overwritten */
			if (errno != EAGAIN)
				report_error("dmesg", errno);
			break;
		}
		if (r == 0)
			break;
		rec[r] = 0;
		/* "prio,seq,usec,flags;message\n[ KEY=value\n]..." */
		semi = strchr(rec, ';');
		if (!semi)
			continue;
		msg = semi + 1;
		nl = strchr(msg, '\n');
		e820_message(msg, nl ? (size_t)(nl - msg) : strlen(msg));
	}
	close(fd);
}

static void report_bootparams(void)
{
	unsigned char *data;
	char text[64];
	size_t len;
	int err;

	err = read_file("/sys/kernel/boot_params/data", &data, &len);
	if (err) {
		report_error("bootparams", err);
	} else {
		dump_hex("bootparams", data, len);
		free(data);
	}
	err = read_text("/sys/kernel/boot_params/version", text, sizeof(text));
	if (err)
		report_error("bootparams_version", err);
	else
		report("bootparams_version %s", text);
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void report_one_setup_data(unsigned long idx)
{
	static const char base[] = "/sys/kernel/boot_params/setup_data";
	unsigned long long type;
	unsigned char *data = NULL;
	char path[256], text[64], key[64];
	size_t len = 0;
	struct stat st;
	int err, derr;

	snprintf(path, sizeof(path), "%s/%lu/type", base, idx);
	err = read_text(path, text, sizeof(text));
	if (!err)
		err = parse_u64(text, &type);
	if (err) {
		report_error("setup_data_type", err);
		return;
	}
	snprintf(path, sizeof(path), "%s/%lu/data", base, idx);
	derr = read_file(path, &data, &len);
	if (derr) {
		len = 0;
		if (stat(path, &st) == 0)
			len = (size_t)st.st_size;
	}
	report("setup_data %lu type=%llu len=%zu", idx, type, len);
	if (derr) {
		report("setup_data_bytes %lu error %s", idx, strerror(derr));
		return;
	}
	snprintf(key, sizeof(key), "setup_data_bytes %lu", idx);
	dump_hex(key, data, len);
	free(data);
}

static void report_setup_data(void)
{
	unsigned long *idx = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;

	d = opendir("/sys/kernel/boot_params/setup_data");
	if (!d) {
		/* No setup_data at all: the kernel creates no directory. */
		if (errno != ENOENT)
			report_error("setup_data", errno);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_number(de->d_name))
			continue;
		if (n == cap) {
			unsigned long *ni;

			cap = cap ? cap * 2 : 16;
			ni = realloc(idx, cap * sizeof(*idx));
			if (!ni) {
				report_error("setup_data", ENOMEM);
				break;
			}
			idx = ni;
		}
		idx[n++] = strtoul(de->d_name, NULL, 10);
	}
	closedir(d);
	if (n)
		qsort(idx, n, sizeof(*idx), cmp_ulong);
	for (i = 0; i < n; i++)
		report_one_setup_data(idx[i]);
	free(idx);
}

/* Count CPUs in a list like "0-3,5\n"; -1 on error. */
static long count_cpus(const char *path)
{
	char text[1024], *p, *end;
	long count = 0;

	if (read_text(path, text, sizeof(text)))
		return -1;
	p = text;
	while (*p) {
		unsigned long a, b;

		errno = 0;
		a = strtoul(p, &end, 10);
		if (end == p || errno)
			return -1;
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			b = strtoul(p, &end, 10);
			if (end == p || errno || b < a)
				return -1;
			p = end;
		}
		count += (long)(b - a + 1);
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return count;
}

static void report_cpus(void)
{
	report("cpus online=%ld possible=%ld",
	       count_cpus("/sys/devices/system/cpu/online"),
	       count_cpus("/sys/devices/system/cpu/possible"));
}

static uint32_t crc_table[256];

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static void report_payload(void)
{
	static unsigned char buf[65536];
	unsigned long long size = 0;
	uint32_t crc = 0xFFFFFFFFu;
	int fd;

	fd = open("/payload.bin", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			report("payload missing");
		else
			report("payload error %s", strerror(errno));
		return;
	}
	crc32_init();
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			report("payload error %s", strerror(errno));
			close(fd);
			return;
		}
		if (r == 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			crc = crc_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
		size += (unsigned long long)r;
	}
	close(fd);
	report("payload path=/payload.bin size=%llu crc32=%08x", size,
	       (unsigned)(crc ^ 0xFFFFFFFFu));
}

int main(void)
{
	int fd;

	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		out_fd = fd;

	/* Keep kernel messages from splitting report lines. */
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);

	/* Start on a fresh line whatever the kernel printed last. */
	write_all(out_fd, "\n", 1);
	report("begin");
	setup_fs();
	report_cmdline();
	report_memmap();
	report_dmesg();
	report_bootparams();
	report_setup_data();
	report_cpus();
	report_payload();
	report("end");

	/* Wait until the UART has sent everything before resetting. */
	tcdrain(out_fd);
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
