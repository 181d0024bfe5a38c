# Build one project-side KVM selftest program (guest plus host code, like
# tools/fuzz/sbi_pmu_fuzz.c or tools/measure/sbi_pmu_exits.c) against a
# kernel tree's selftest library and UAPI headers.  Sourced after lib.sh.
#
# stprog_build STAGE SRC TREE OUTDIR
#   Copies SRC into TREE/tools/testing/selftests/kvm/riscv/ only for the
#   time of the build (never over a file that is tracked or differs),
#   builds it statically with TEST_GEN_PROGS_riscv set on the command line
#   (the tree's Makefile is not changed), and leaves the binary in
#   OUTDIR/st/riscv/<name>; also makes sure PMU_TOOLS_BIN is built.
stprog_build() {
	_st=$1
	_src=$2
	_tree=$3
	_out=$4
	_name=$(basename "$_src" .c)
	_dir=$_tree/tools/testing/selftests/kvm
	_dst=$_dir/riscv/$_name.c
	[ -r "$_src" ] || die "$_st" "$_src" "source missing"
	[ -d "$_dir/riscv" ] || die "$_st" "$_dir" "not a kernel tree with KVM selftests"
	need riscv64-linux-gnu-gcc make cpio
	if [ -e "$_dst" ] && ! cmp -s "$_src" "$_dst"; then
		die "$_st" "$_dst" "exists and differs from $_src: not overwriting it"
	fi
	if git -C "$_tree" ls-files --error-unmatch "$_dst" >/dev/null 2>&1; then
		die "$_st" "$_dst" "is tracked in $_tree: not overwriting it"
	fi
	if [ ! -x "$PMU_TOOLS_BIN/guest/init" ] || [ ! -x "$PMU_TOOLS_BIN/pmu-report" ]; then
		progress "building the project tools"
		run_timeout 600 make -s -C "$TOOLS" O="$PMU_TOOLS_BIN" guest-init report \
			>"$_out/tools.log" 2>&1 ||
			die "$_st" "$TOOLS/Makefile" "building the project's tools failed (see $_out/tools.log)"
	fi
	progress "headers_install from $_tree"
	run_timeout 600 make -s -C "$_tree" ARCH=riscv O="$_out/hdr-build" \
		INSTALL_HDR_PATH="$_out/hdr" headers_install >"$_out/headers.log" 2>&1 ||
		die "$_st" "$_out/headers.log" "headers_install failed in $_tree"
	rm -rf "$_out/hdr-build"
	progress "building $_name against $_tree"
	cp "$_src" "$_dst" || die "$_st" "$_dst" "cannot copy $_src into the tree"
	# A signal must end the stage (status 2), not just remove the copy.
	trap 'rm -f "$_dst"' EXIT
	trap 'rm -f "$_dst"; exit 2' INT TERM
	# The guest trap frame was renamed from struct ex_regs to pt_regs.
	_regs=ex_regs
	! grep -q '^struct pt_regs {' "$_dir/include/riscv/processor.h" || _regs=pt_regs
	if ! run_timeout 900 make -C "$_dir" -j"${PMU_JOBS:-$(nproc)}" ARCH=riscv \
		CROSS_COMPILE=riscv64-linux-gnu- USERLDFLAGS=-static \
		EXTRA_CFLAGS="-DPMU_GUEST_REGS=$_regs" \
		KHDR_INCLUDES="-isystem $_out/hdr/include" OUTPUT="$_out/st" \
		TEST_GEN_PROGS_riscv="riscv/$_name" "$_out/st/riscv/$_name" \
		>"$_out/build.log" 2>&1; then
		rm -f "$_dst"
		tail -20 "$_out/build.log" | sed 's/^/    /' >&2
		die "$_st" "$_out/build.log" "$_name failed to build against $_tree"
	fi
	rm -f "$_dst"
	trap - EXIT INT TERM
}
