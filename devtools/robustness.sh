#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Robustness checks of the libraries, and the table of their results in
# doc/guides/robustness.rst (rewritten between its markers).
#
# Usage: devtools/robustness.sh [--no-doc] [STEP...]
# Steps (default: all, in this order):
#   failnth   vm-fail-nth in the test VM: every setup sequence of
#             lib/iommufd with its Nth kernel allocation (fail-nth) or
#             Nth malloc failed, for N = 1, 2, ... until it completes;
#             nothing may be left behind (fds, kernel objects, pins, heap)
#   asan      build with -Db_sanitize=address,undefined (UBSan fatal) and
#             run the fast suite, and vm-lifetime in the test VM (handles
#             of every kind released after their context's close): 0 errors
#   tsan      build with -Db_sanitize=thread; run the fast suite's
#             threaded tests, and vm-threads in the test VM: 0 reports
#   valgrind  the vm suite's test programs under valgrind memcheck in the
#             test VM: 0 errors, 0 definite or indirect leaks
#   fuzz      the libFuzzer targets of app/test/fuzz (clang,
#             -fsanitize=fuzzer,address,undefined), FUZZ_SECONDS each,
#             FUZZ_JOBS at a time: 0 crashes
# --no-doc: print the table but leave doc/guides/robustness.rst alone.
# Environment:
#   FUZZ_SECONDS      seconds per fuzz target (default 60)
#   FUZZ_JOBS         fuzz targets run at the same time (default 2)
#   ROBUSTNESS_DIR    build directories, logs and fuzz corpora (default
#                     build-robustness at the top of the tree)
#   FUZZ_CC           clang for the fuzz targets (default clang-14, else clang)
# The vm steps need what buildtools/vm/run-vm.sh needs (QEMU, the cached
# guest kernel: built on first use). Exit status: 0 when every step that
# ran found nothing, 1 otherwise, 2 on usage errors.
# The step_* functions are called through "step_$s".
# shellcheck disable=SC2317
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
me=robustness
out=${ROBUSTNESS_DIR:-$top/build-robustness}
fuzz_seconds=${FUZZ_SECONDS:-60}
fuzz_jobs=${FUZZ_JOBS:-2}
run_vm="$top/buildtools/vm/run-vm.sh"
doc="$top/doc/guides/robustness.rst"
all_steps=(failnth asan tsan valgrind fuzz)
write_doc=1
steps=()

usage() { sed -n '/^# Usage:/,/^# ran found/{s/^# \{0,1\}//;p}' "$0"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--no-doc) write_doc=0 ;;
	-h|--help) usage; exit 0 ;;
	failnth|asan|tsan|valgrind|fuzz) steps+=("$1") ;;
	*) echo "$me: unknown step or option '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
[ ${#steps[@]} -gt 0 ] || steps=("${all_steps[@]}")
[[ "$fuzz_seconds" =~ ^[1-9][0-9]*$ ]] || { echo "$me: FUZZ_SECONDS must be a positive number" >&2; exit 2; }
[[ "$fuzz_jobs" =~ ^[1-9][0-9]*$ ]] || { echo "$me: FUZZ_JOBS must be a positive number" >&2; exit 2; }

mkdir -p "$out/results" "$out/logs" || exit 1
failed=0
t_all=$(date +%s)

say() { printf '\n==== %s: %s\n' "$me" "$*"; }
# One result row: step, what, tried, outcome, ok (0/1). Rows of a step
# replace those of the step's previous run.
row() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$out/results/$1.tsv"
	[ "$5" = 1 ] || failed=1
}
begin_step() {
	: >"$out/results/$1.tsv"
	date +%s >"$out/results/$1.start"
}
end_step() {
	echo $(( $(date +%s) - $(cat "$out/results/$1.start") )) >"$out/results/$1.seconds"
}

# meson setup (once) and build of one directory; extra setup options follow.
build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$top" -Ddpdk=disabled -Ddocs=disabled "$@" \
			>"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" >"$dir.build.log" 2>&1 || { tail -30 "$dir.build.log"; return 1; }
}

# Counts of a meson test log (meson-logs/testlog.json).
meson_counts() {
	python3 - "$1" <<'EOF'
import json, sys
counts = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    counts[r['result']] = counts.get(r['result'], 0) + 1
print(sum(counts.values()), counts.get('OK', 0),
      sum(v for k, v in counts.items() if k not in ('OK', 'SKIP')), counts.get('SKIP', 0))
EOF
}

# ------------------------------------------------------------------ #
step_failnth() {
	local plain="$out/plain" log="$out/logs/failnth.log" rc line
	build "$plain" || { row failnth "build" - "build failed" 0; return; }
	"$run_vm" --timeout 600 --env TEST_STRICT=1 -- "$plain/app/test/test_vm_fail_nth" \
		>"$log" 2>&1
	rc=$?
	grep -E '^(ok|not ok|# (kernel|malloc)/)' "$log" | cut -c1-200
	while read -r line; do
		# mode=M seq=S tried=N injected=I failed=F absorbed=A leaks=L violations=V ok=O
		local -A kv=()
		local w
		for w in ${line#"# robustness: fail-nth "}; do
			kv[${w%%=*}]=${w#*=}
		done
		row failnth "${kv[mode]}: ${kv[seq]}" "N = 1..${kv[tried]}" \
			"${kv[injected]} injected: ${kv[failed]} failed cleanly, ${kv[absorbed]} absorbed; ${kv[leaks]} leaks, ${kv[violations]} contract violations" \
			"${kv[ok]}"
		unset kv
	done < <(grep '^# robustness: fail-nth ' "$log")
	if [ "$rc" != 0 ]; then
		row failnth "vm-fail-nth" - "exit status $rc (log: ${log#"$top"/})" 0
	elif ! grep -q '^# robustness: fail-nth ' "$log"; then
		row failnth "vm-fail-nth" - "no result lines (log: ${log#"$top"/})" 0
	fi
}

# ------------------------------------------------------------------ #
step_asan() {
	local dir="$out/asan" log="$out/logs/asan.log" total ok bad skip f reports
	build "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all || { row asan "build" - "build failed" 0; return; }
	# Reports go to files too: a test may have redirected its stderr.
	rm -rf "$out/logs/asan"
	mkdir -p "$out/logs/asan"
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:log_path="$out/logs/asan/asan" \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path="$out/logs/asan/ubsan" \
		meson test -C "$dir" --suite fast --print-errorlogs >"$log" 2>&1
	tail -12 "$log"
	for f in "$out"/logs/asan/*; do
		[ -f "$f" ] || continue
		echo "---- ${f#"$top"/}"
		grep -m12 -E 'ERROR|runtime error|#[0-9] |SUMMARY' "$f"
	done
	read -r total ok bad skip < <(meson_counts "$dir/meson-logs/testlog.json")
	reports=$(find "$out/logs/asan" -type f | wc -l)
	row asan "fast suite, ASan + UBSan (fatal)" "$total tests" \
		"$ok ok, $bad failed, $skip skipped; $reports sanitizer reports" \
		"$([ "$bad" = 0 ] && [ "$ok" -gt 0 ] && [ "$reports" = 0 ] && echo 1 || echo 0)"
	# Real IOAS, HWPT, fault queue, device (mock IOMMU) and address space
	# handles used and released after rte_iommufd_close(), in the VM.
	local vlog="$out/logs/asan-vm-lifetime.log" rc
	"$run_vm" --timeout 600 --env TEST_STRICT=1 \
		--env ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
		--env UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		-- "$dir/app/test/vm/test_vm_lifetime" >"$vlog" 2>&1
	rc=$?
	grep -E '^(ok|not ok)' "$vlog"
	reports=$(grep -c -E 'ERROR: (Address|Leak)Sanitizer|runtime error' "$vlog")
	row asan "vm-lifetime, ASan + UBSan (fatal), in the test VM" \
		"$(grep -c '^ok' "$vlog") of $(sed -n 's/^1\.\.//p' "$vlog" | head -1) cases pass" \
		"exit status $rc, $reports sanitizer reports" \
		"$([ "$rc" = 0 ] && [ "$reports" = 0 ] && grep -q '^ok' "$vlog" && echo 1 || echo 0)"
}

# ------------------------------------------------------------------ #
step_tsan() {
	local dir="$out/tsan" log="$out/logs/tsan.log" vlog="$out/logs/tsan-vm.log"
	local rc f n c cases runs=0 fails=0 reports=0 list=()
	build "$dir" -Db_sanitize=thread -Db_lundef=false || { row tsan "build" - "build failed" 0; return; }
	: >"$log"
	# The fast suite's programs that start threads; of each, the cases named
	# for threads or concurrency (all of them when none is): the others are
	# single-threaded and only slow under TSan.
	for f in "$top"/app/test/test_*.c; do
		n=$(basename "$f" .c)
		if ! grep -q 'pthread_create' "$f" || [ ! -x "$dir/app/test/$n" ]; then
			continue
		fi
		cases=$(TEST_ONLY=- "$dir/app/test/$n" 2>/dev/null |
			sed -n 's/^ok [0-9]* - \([A-Za-z0-9_]*\) # SKIP.*/\1/p' |
			grep -E 'thread|concurren|parallel|race' || true)
		[ -n "$cases" ] || cases=ALL
		for c in $cases; do
			list+=("$n${c:+:$c}")
			echo "---- $n $c" >>"$log"
			if [ "$c" = ALL ]; then
				TSAN_OPTIONS=halt_on_error=1:exitcode=66 "$dir/app/test/$n" >>"$log" 2>&1
			else
				TEST_ONLY=$c TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
					"$dir/app/test/$n" >>"$log" 2>&1
			fi
			rc=$?
			runs=$((runs + 1))
			[ "$rc" = 0 ] || { fails=$((fails + 1)); echo "$n $c: exit status $rc"; }
		done
	done
	reports=$(grep -c 'WARNING: ThreadSanitizer' "$log")
	printf 'fast suite under TSan: %s\n' "${list[*]:-none}"
	row tsan "fast suite, threaded cases (${list[*]:-none})" "$runs runs" \
		"$fails failed, $reports reports" \
		"$([ "$runs" -gt 0 ] && [ "$fails" = 0 ] && [ "$reports" = 0 ] && echo 1 || echo 0)"
	"$run_vm" --timeout 600 --env TEST_STRICT=1 \
		--env TSAN_OPTIONS=halt_on_error=1:exitcode=66 -- "$dir/app/test/test_vm_threads" \
		>"$vlog" 2>&1
	rc=$?
	grep -E '^(ok|not ok|# vm-threads)' "$vlog"
	row tsan "vm-threads (threads, one IOAS; two processes, two NICs)" \
		"$(grep -c '^ok' "$vlog") of $(sed -n 's/^1\.\.//p' "$vlog" | head -1) cases pass" \
		"exit status $rc, $(grep -c 'WARNING: ThreadSanitizer' "$vlog") reports" \
		"$([ "$rc" = 0 ] && echo 1 || echo 0)"
}

# ------------------------------------------------------------------ #
# Valgrind knows no iommufd ioctl (all are _IO(';', n), without size):
# buffers the kernel fills through a pointer in the argument look
# uninitialised to it. This preload tells memcheck what the kernel wrote.
valgrind_shim() {
	local src="$out/valgrind/iommufd_vg.c" so="$out/valgrind/libiommufd_vg.so"
	mkdir -p "$out/valgrind"
	cat >"$src" <<'EOF'
/* Built by devtools/robustness.sh: iommufd ioctl annotations for memcheck. */
#include <stdarg.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <valgrind/memcheck.h>
#include "iommufd_uapi.h"

int ioctl(int fd, unsigned long request, ...);

int
ioctl(int fd, unsigned long request, ...)
{
	uint32_t cap = 0, len = 0;
	va_list ap;
	void *arg;
	long ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == IFD_IOMMU_IOAS_IOVA_RANGES)
		cap = ((struct ifd_iommu_ioas_iova_ranges *)arg)->num_iovas;
	else if (request == IFD_IOMMU_GET_HW_INFO)
		len = ((struct ifd_iommu_hw_info *)arg)->data_len;
	ret = syscall(SYS_ioctl, fd, request, arg);
	if (ret == 0 && request == IFD_IOMMU_IOAS_IOVA_RANGES) {
		struct ifd_iommu_ioas_iova_ranges *c = arg;
		uint32_t n = c->num_iovas < cap ? c->num_iovas : cap;

		VALGRIND_MAKE_MEM_DEFINED((void *)(uintptr_t)c->allowed_iovas,
					  n * sizeof(struct ifd_iommu_iova_range));
	} else if (ret == 0 && request == IFD_IOMMU_GET_HW_INFO) {
		VALGRIND_MAKE_MEM_DEFINED((void *)(uintptr_t)((struct ifd_iommu_hw_info *)arg)->data_uptr,
					  len);
	}
	return (int)ret;
}
EOF
	cc -O1 -g -fPIC -shared -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib/iommufd" \
		-o "$so" "$src" || return 1
	echo "$so"
}

step_valgrind() {
	local plain="$out/plain" shim name wd cmd log rc errs defl indl bad ok n=0
	build "$plain" || { row valgrind "build" - "build failed" 0; return; }
	shim=$(valgrind_shim) || { row valgrind "annotation preload" - "build failed" 0; return; }
	# Every vm test whose program is ours (an ELF file of the build), with
	# its run-vm.sh options and arguments; valgrind goes after "--".
	while IFS=$'\t' read -r name wd cmd; do
		local -a argv
		eval "argv=($cmd)"
		local i sep=-1 vm_opts=() prog_args=()
		for i in "${!argv[@]}"; do
			[ "${argv[$i]}" = "--" ] && { sep=$i; break; }
		done
		[ "$sep" -ge 0 ] || continue
		vm_opts=("${argv[@]:1:$((sep - 1))}")
		prog_args=("${argv[@]:$((sep + 1))}")
		# Option values that are paths of the build (e.g. --testdev) are
		# relative to the build directory too.
		for i in "${!vm_opts[@]}"; do
			case "${vm_opts[$i]}" in
			/*) ;;
			*/*) [ -e "$wd/${vm_opts[$i]}" ] && vm_opts[$i]="$wd/${vm_opts[$i]}" ;;
			esac
		done
		# Relative paths are the build directory's (meson runs tests there).
		case "${prog_args[0]}" in /*) ;; *) prog_args[0]="$wd/${prog_args[0]}" ;; esac
		case "$(realpath -m "${prog_args[0]}")" in "$(realpath -m "$plain")"/*) ;; *) continue ;; esac
		# The arm64 guest's userland (a Debian tree) has no valgrind: said,
		# not run (its source runs under valgrind on x86).
		if [[ " ${vm_opts[*]} " == *" --iommu smmuv3 "* ]]; then
			printf '%-24s not run: the arm64 guest has no valgrind\n' "$name"
			row valgrind "$name" "not run" "the arm64 guest's userland has no valgrind; the same source runs under valgrind on x86 (the vm test of that name without the vendor prefix)" 1
			continue
		fi
		log="$out/logs/valgrind-$name.log"
		"$run_vm" --timeout 900 --cwd "$wd" "${vm_opts[@]}" --env "LD_PRELOAD=$shim" -- \
			valgrind --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
			--track-origins=yes "${prog_args[@]}" >"$log" 2>&1
		rc=$?
		errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		defl=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tr -d , | awk '{s+=$1} END {print s+0}')
		indl=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tr -d , | awk '{s+=$1} END {print s+0}')
		bad=$(sed -n 's/^not ok [0-9]* - \([A-Za-z0-9_]*\).*/\1/p' "$log" | tr '\n' ' ')
		bad=${bad% }
		printf '%-24s exit %s, %s errors, definitely lost %s B, indirectly lost %s B%s\n' \
			"$name" "$rc" "$errs" "$defl" "$indl" "${bad:+, failed cases: $bad}"
		ok=0
		if [ "$rc" = 0 ] && [ "$errs" = 0 ] && [ "$defl" = 0 ] && [ "$indl" = 0 ] &&
		   [ -z "$bad" ] && grep -q '^# .*passed, .*failed' "$log"; then
			ok=1
		fi
		row valgrind "$name" "$(grep -c '^ok' "$log") of $(sed -n 's/^1\.\.//p' "$log" | head -1) cases pass" \
			"$errs errors, $defl B definitely + $indl B indirectly lost${bad:+; failed: $bad}" "$ok"
		n=$((n + 1))
	done < <(python3 - "$plain" <<'EOF'
import json, shlex, subprocess, sys
tests = json.loads(subprocess.check_output(['meson', 'introspect', '--tests', sys.argv[1]]))
for t in tests:
    if any(s == 'vm' or s.endswith(':vm') for s in t['suite']):
        print('\t'.join([t['name'], t.get('workdir') or sys.argv[1],
                         ' '.join(shlex.quote(c) for c in t['cmd'])]))
EOF
	)
	[ "$n" -gt 0 ] || row valgrind "vm suite" - "no test program found" 0
}

# ------------------------------------------------------------------ #
step_fuzz() {
	local cc=${FUZZ_CC:-} dir="$out/fuzz" src t srcs names=() i
	if [ -z "$cc" ]; then
		cc=$(command -v clang-14 || command -v clang) ||
			{ row fuzz "clang" - "not found (packages clang, libclang-rt-14-dev)" 0; return; }
	fi
	mkdir -p "$dir/bin" "$dir/work" "$dir/artifacts" "$out/logs/fuzz"
	for src in "$top"/app/test/fuzz/fuzz_*.c; do
		t=$(basename "$src" .c)
		t=${t#fuzz_}
		# Targets that build a library file in themselves stand alone.
		if grep -q '#include "../../../lib/' "$src"; then
			srcs=()
		else
			srcs=("$top"/lib/iommufd/*.c)
			[ -d "$top/lib/pasid" ] && srcs+=("$top"/lib/pasid/*.c)
		fi
		if ! "$cc" -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
			-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
			-DALLOW_EXPERIMENTAL_API -I"$top/lib/common" -I"$top/lib/iommufd" -I"$top/lib/pasid" \
			-o "$dir/bin/fuzz_$t" "$src" "${srcs[@]}" \
			-lpthread >"$out/logs/fuzz/$t.build.log" 2>&1; then
			cat "$out/logs/fuzz/$t.build.log"
			row fuzz "$t" - "build failed" 0
			continue
		fi
		names+=("$t")
	done
	# FUZZ_JOBS targets at a time, each on a copy of its seed corpus.
	run_target() {
		local t=$1 seeds="$top/app/test/fuzz/corpus/$1"
		rm -rf "$dir/work/$t" "$dir/artifacts/$t"
		mkdir -p "$dir/work/$t" "$dir/artifacts/$t"
		timeout $((fuzz_seconds + 120)) "$dir/bin/fuzz_$t" -max_total_time="$fuzz_seconds" \
			-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix="$dir/artifacts/$t/" "$dir/work/$t" "$seeds" \
			>"$out/logs/fuzz/$t.log" 2>&1
		echo $? >"$out/logs/fuzz/$t.rc"
	}
	for i in "${!names[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$fuzz_jobs" ]; do
			wait -n
		done
		run_target "${names[$i]}" &
	done
	wait
	for t in "${names[@]}"; do
		local log="$out/logs/fuzz/$t.log" execs crashes rc cov
		rc=$(cat "$out/logs/fuzz/$t.rc" 2>/dev/null || echo 1)
		execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
		crashes=$(find "$dir/artifacts/$t" -type f | wc -l)
		printf '%-14s %10s executions, coverage %s, %s crashes, exit %s\n' \
			"$t" "${execs:-0}" "${cov:-?}" "$crashes" "$rc"
		[ "$crashes" = 0 ] || grep -m3 -E 'ERROR|invariant|SUMMARY' "$log"
		row fuzz "$t" "${fuzz_seconds} s, $(find "$top/app/test/fuzz/corpus/$t" -type f 2>/dev/null | wc -l) seeds" \
			"${execs:-0} executions, coverage ${cov:-?}, $crashes crashes" \
			"$([ "$rc" = 0 ] && [ "$crashes" = 0 ] && [ -n "$execs" ] && echo 1 || echo 0)"
	done
}

# ------------------------------------------------------------------ #
# The table (printed; in the doc between per-step markers).
table_rst() {
	local step=$1 f="$out/results/$1.tsv" secs
	secs=$(cat "$out/results/$1.seconds" 2>/dev/null || echo '?')
	echo ".. list-table:: $step ($(date -u +%Y-%m-%d), ${secs} s)"
	echo "   :header-rows: 1"
	echo
	echo "   * - what"
	echo "     - tried"
	echo "     - outcome"
	echo "     - verdict"
	while IFS=$'\t' read -r _ what tried outcome ok; do
		echo "   * - $what"
		echo "     - $tried"
		echo "     - $outcome"
		echo "     - $([ "$ok" = 1 ] && echo pass || echo FAIL)"
	done <"$f"
}

update_doc() {
	local step=$1 tmp
	[ -f "$doc" ] || return 0
	grep -q "^\.\. robustness-begin: $step\$" "$doc" || return 0
	tmp=$(mktemp)
	table_rst "$step" >"$tmp.table"
	awk -v step="$step" -v table="$tmp.table" '
		$0 == ".. robustness-begin: " step { print; print ""; while ((getline l < table) > 0) print l; print ""; skip = 1; next }
		$0 == ".. robustness-end: " step { skip = 0 }
		!skip { print }
	' "$doc" >"$tmp" && cat "$tmp" >"$doc"
	rm -f "$tmp" "$tmp.table"
}

for s in "${steps[@]}"; do
	say "$s"
	begin_step "$s"
	"step_$s"
	end_step "$s"
done

say "results ($(( $(date +%s) - t_all )) s in all)"
for s in "${steps[@]}"; do
	printf '\n%s (%s s)\n' "$s" "$(cat "$out/results/$s.seconds")"
	while IFS=$'\t' read -r _ what tried outcome ok; do
		printf '  %-4s %-58s %-22s %s\n' "$([ "$ok" = 1 ] && echo ok || echo FAIL)" "$what" "$tried" "$outcome"
	done <"$out/results/$s.tsv"
	[ "$write_doc" = 1 ] && update_doc "$s"
done
[ "$write_doc" = 1 ] && echo && echo "$me: tables written to ${doc#"$top"/}"
if [ "$failed" != 0 ]; then
	echo "$me: FAILED (logs in ${out#"$top"/}/logs)"
	exit 1
fi
echo "$me: all passed"
exit 0
