#!/bin/sh
# CHECK= wrapper for sparse: Debian's sparse 0.6.4 rejects the ISA
# extension suffixes the kernel passes in -march (rv64imac_zicsr_zifencei
# gives "invalid argument to '-march'" and no check at all), so drop the
# suffixes and run sparse on the rest of the command line unchanged.
for a; do
	shift
	case "$a" in
	-march=*) a=${a%%_*} ;;
	esac
	set -- "$@" "$a"
done
exec sparse "$@"
