#!/bin/bash
# run.sh - run the libFuzzer targets built by `make fuzz-build`.
#
#   run.sh smoke  BUILD [TARGET...]  each target for FUZZ_SMOKE_SECONDS (15)
#   run.sh long   BUILD [TARGET...]  each target for FUZZ_RUNS (10000000)
#                                    executions
#   run.sh replay BUILD [TARGET...]  every file in tests/fuzz/regress/<target>/
#                                    once; fails if any still crashes
#
# Targets run FUZZ_JOBS (2) at a time. Each starts from its corpus in
# BUILD/fuzz/corpus/<target> (new inputs are kept there between runs), the
# generated seeds in BUILD/fuzz/seeds/<target> and the committed ones in
# tests/fuzz/seeds/<target>. Logs go to BUILD/fuzz/logs/, crashing inputs
# to BUILD/fuzz/crashes/<target>/. The last lines are a table of executions
# per target. A crash fails the run and says how to turn it into a
# regression file.
set -u

mode=${1:-}
build=${2:-}
[ -n "$mode" ] && [ -n "$build" ] || { sed -n '2,17p' "$0"; exit 2; }
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
# slowest first, so that two jobs finish together
[ ${#targets[@]} -gt 0 ] || targets=(bzimage params cellcfg plan commregion celldesc elf)
fz=$build/fuzz
jobs=${FUZZ_JOBS:-2}
smoke_s=${FUZZ_SMOKE_SECONDS:-15}
runs=${FUZZ_RUNS:-10000000}

# Largest input worth generating per target: the params buffer is 3 KiB,
# the parsers read a header or a page, the plan decoder a few hundred bytes.
max_len() {
	case $1 in
	params) echo 3072 ;;
	cellcfg) echo 8192 ;;
	commregion) echo 128 ;;
	bzimage) echo 65536 ;;
	plan) echo 512 ;;
	celldesc) echo 4096 ;;
	*) echo 4096 ;;
	esac
}

replay() {
	local t=$1 bin=$fz/fuzz_$1 f rc=0 n=0
	for f in "$here/regress/$t"/*; do
		[ -f "$f" ] || continue
		case $f in *.md|*.txt) continue ;; esac
		n=$((n + 1))
		if "$bin" -timeout=5 -rss_limit_mb=2048 "$f" \
			> "$fz/logs/replay.$t.$(basename "$f").log" 2>&1; then
			echo "replay $t/$(basename "$f"): ok"
		else
			echo "replay $t/$(basename "$f"): FAILS (log:" \
			     "$fz/logs/replay.$t.$(basename "$f").log)"
			grep -m3 -E 'invariant failed|^plan:|ERROR: |SUMMARY' \
				"$fz/logs/replay.$t.$(basename "$f").log" | sed 's/^/    /'
			rc=1
		fi
	done
	[ $n -gt 0 ] || echo "replay $t: no regression files"
	return $rc
}

run_one() {
	local t=$1 bin=$fz/fuzz_$1 log=$fz/logs/$1.$mode.log
	local dirs=("$fz/corpus/$t") opts=()

	mkdir -p "$fz/corpus/$t" "$fz/crashes/$t"
	[ -d "$fz/seeds/$t" ] && dirs+=("$fz/seeds/$t")
	[ -d "$here/seeds/$t" ] && dirs+=("$here/seeds/$t")
	[ -f "$here/$t.dict" ] && opts+=("-dict=$here/$t.dict")
	if [ "$mode" = smoke ]; then
		opts+=("-max_total_time=$smoke_s")
	else
		opts+=("-runs=$runs")
	fi
	"$bin" "${opts[@]}" -max_len="$(max_len "$t")" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$fz/crashes/$t/" "${dirs[@]}" > "$log" 2>&1
}

mkdir -p "$fz/logs"
for t in "${targets[@]}"; do
	[ -x "$fz/fuzz_$t" ] || { echo "run.sh: $fz/fuzz_$t missing (make fuzz-build)" >&2; exit 2; }
done

if [ "$mode" = replay ]; then
	rc=0
	for t in "${targets[@]}"; do replay "$t" || rc=1; done
	exit $rc
fi
[ "$mode" = smoke ] || [ "$mode" = long ] || { echo "run.sh: unknown mode $mode" >&2; exit 2; }

start=$(date +%s)
for t in "${targets[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	echo "fuzz $t: $mode run started"
	( run_one "$t"; echo $? > "$fz/logs/$t.$mode.rc" ) &
done
wait

rc=0
printf '\n%-12s %-8s %14s %10s %8s\n' target result executions "exec/s" seconds
for t in "${targets[@]}"; do
	log=$fz/logs/$t.$mode.log
	r=$(cat "$fz/logs/$t.$mode.rc" 2>/dev/null || echo 1)
	ex=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	sp=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	# after a crash there are no final stats: take the last status line
	[ -n "$ex" ] || ex=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
	secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+' "$log" | awk '{print $5}')
	if [ "$r" = 0 ]; then res=ok; else res=FAILED; rc=1; fi
	printf '%-12s %-8s %14s %10s %8s\n' "$t" "$res" "${ex:-?}" "${sp:-?}" "${secs:--}"
done
echo "total wall time: $(( $(date +%s) - start )) s"

for t in "${targets[@]}"; do
	[ "$(cat "$fz/logs/$t.$mode.rc" 2>/dev/null)" = 0 ] && continue
	log=$fz/logs/$t.$mode.log
	echo
	echo "== fuzz_$t failed; log $log:"
	grep -E 'invariant failed|^plan:|^  [a-z]|ERROR: |SUMMARY|Test unit written' "$log" | head -20
	art=$(sed -n "s/.*Test unit written to //p" "$log" | tail -1)
	if [ -n "$art" ]; then
		echo "to keep it as a regression test (after fixing lib/, it must pass):"
		echo "  $fz/fuzz_$t -minimize_crash=1 -runs=100000 -timeout=10 \\"
		echo "     -exact_artifact_path=tests/fuzz/regress/$t/<short-name> $art"
	fi
done
exit $rc
