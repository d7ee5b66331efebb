# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by the guest's HTTP benchmarks and by http-floor-test.sh: the
# floor of the HTTP benchmarks, kstd_http_floor.ko (bench/http-floor/), an
# in-kernel responder that answers every request head with one canned
# response whose body is DOCROOT/index.html, read once at load.
#
#   http_floor_start MODULE_DIR DOCROOT PORT   load it on PORT with the body
#                                              of DOCROOT/index.html, wait
#                                              until it answers with exactly
#                                              that body
#   http_floor_stop                            unload it
#
# The floor serves no files: measure it for the small file only (a body of
# at most 255 bytes here, every byte sent as a \xHH escape would fit the
# 1023-character parameter; index.html is 12 bytes in the benchmarks).
# Its counters are in /proc/kstd_http_floor (requests: answered so far).
# Both fail through http_die if the caller defines it (and return 1 if
# that returns), else exit 1.

# The bytes of file $1 as the module's body parameter: printable ASCII as
# is, everything else (and " and \) as \xHH, so that the trailing newline,
# which a parameter cannot end in, survives.
http_floor_body() { # file
	od -An -v -tu1 "$1" | awk '{
		for (i = 1; i <= NF; i++)
			if ($i >= 32 && $i < 127 && $i != 34 && $i != 92)
				printf "%c", $i
			else
				printf "\\x%02x", $i
	}'
}

http_floor_fail() {
	if declare -F http_die >/dev/null; then
		http_die "$@"
	else
		echo "http-floor: $*" >&2
		exit 1
	fi
}

http_floor_start() { # module_dir docroot port
	local mod=$1/bench/http-floor/kstd_http_floor.ko index=$2/index.html port=$3 body _
	[ -f "$index" ] || {
		http_floor_fail "no $index for the floor to answer with"
		return 1
	}
	[ "$(stat -c %s "$index")" -le 255 ] || {
		http_floor_fail "$index is larger than the floor's 255-byte body"
		return 1
	}
	body=$(http_floor_body "$index")
	# The quotes make the kernel keep spaces in the value (parse_args).
	insmod "$mod" port="$port" "body=\"$body\"" || {
		http_floor_fail "cannot load $mod"
		return 1
	}
	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/index.html" | cmp -s - "$index" && return 0
		sleep 0.1
	done
	http_floor_fail "the floor does not answer on port $port with $index"
	return 1
}

http_floor_stop() {
	rmmod kstd_http_floor || {
		http_floor_fail "cannot unload kstd_http_floor"
		return 1
	}
}
