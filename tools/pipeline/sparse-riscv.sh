#!/bin/sh
# CHECK= wrapper for sparse: Debian's sparse 0.6.4 rejects the ISA
# extension suffixes the kernel passes in -march (rv64imac_zicsr_zifencei
# gives "invalid argument to '-march'" and no check at all), so drop the
# suffixes and run sparse on the rest of the command line unchanged.
# It has no __typeof_unqual__ either, which kernels from 6.14 on require
# of the checker (scripts/checker-valid.sh; without it Kbuild drops C=2
# with only a warning): map it to __typeof__, which keeps qualifiers.  A
# false warning that this causes is at the parent too, and only warnings a
# patch adds count.
for a; do
	shift
	case "$a" in
	-march=*) a=${a%%_*} ;;
	esac
	set -- "$@" "$a"
done
exec sparse -D__typeof_unqual__=__typeof__ "$@"
