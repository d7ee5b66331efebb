# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by the guest's HTTP benchmarks (khttpd-bench.sh for make demo,
# bench-guest.sh for make bench): khttpd and its user-space peers serving
# the same document root side by side, in the same guest.
#
#   http_servers_list MODULE_DIR            the servers this guest can run,
#                                           in order: khttpd nginx h2o
#                                           lighttpd, then floor if there
#   http_servers_start MODULE_DIR DOCROOT [NAME...]
#                                           start them (default: the list),
#                                           and check that each serves
#                                           DOCROOT/index.html and, if it
#                                           exists, DOCROOT/large.bin
#                                           byte for byte
#   http_servers_stop                       stop what http_servers_start
#                                           started, last first
#   http_server_port NAME                   the port NAME listens on
#
# Servers and ports: khttpd $KHTTPD_PORT (8081; $KHTTPD_ARGS are more module
# parameters), Debian's nginx $NGINX_PORT (8080), h2o $H2O_PORT (8082),
# lighttpd $LIGHTTPD_PORT (8083), and the floor $FLOOR_PORT (8084): the
# bench-only in-kernel responder, run when http-floor.sh sits beside this
# file and MODULE_DIR has bench/http-floor/kstd_http_floor.ko (it defines
# http_floor_start MODULE_DIR DOCROOT PORT and http_floor_stop).
#
# The user-space servers are configured alike, as a production setup for
# static files would be, minus logging (khttpd keeps no access log):
# workers (processes or threads) = vCPUs, no access log, sendfile where the
# server has it, keep-alive as long as the server allows, listen backlog
# 1024, IPv4 and IPv6, all their files under /tmp/bench-<name>, run as root
# (the guest's root file system is read-only; /tmp is not).
#
# Adding a server: a name in http_servers_list, a port in http_server_port,
# and http_<name>_start DOCROOT / http_<name>_stop functions.  Everything
# fails through http_die, which callers may redefine.

KHTTPD_PORT=${KHTTPD_PORT:-8081}
NGINX_PORT=${NGINX_PORT:-8080}
H2O_PORT=${H2O_PORT:-8082}
LIGHTTPD_PORT=${LIGHTTPD_PORT:-8083}
FLOOR_PORT=${FLOOR_PORT:-8084}
NGINX=${NGINX:-/usr/sbin/nginx}
H2O=${H2O:-/usr/bin/h2o}
LIGHTTPD=${LIGHTTPD:-/usr/sbin/lighttpd}
http_ngx=/tmp/bench-nginx
http_h2o=/tmp/bench-h2o
http_ltd=/tmp/bench-lighttpd
http_floor_sh=$(dirname "${BASH_SOURCE[0]}")/http-floor.sh
http_started=()

http_die() { echo "http-servers: $*" >&2; exit 1; }

http_servers_list() { # module_dir
	local list="khttpd nginx h2o lighttpd"
	[ -f "$http_floor_sh" ] && [ -f "$1/bench/http-floor/kstd_http_floor.ko" ] &&
		list+=" floor"
	echo "$list"
}

http_server_port() { # name
	case $1 in
	khttpd) echo "$KHTTPD_PORT" ;;
	nginx) echo "$NGINX_PORT" ;;
	h2o) echo "$H2O_PORT" ;;
	lighttpd) echo "$LIGHTTPD_PORT" ;;
	floor) echo "$FLOOR_PORT" ;;
	*) http_die "unknown server $1" ;;
	esac
}

# Waits until something answers on port $1 (5 s at most).
http_wait() { # port
	local _
	for _ in $(seq 50); do
		curl -sf -o /dev/null "http://127.0.0.1:$1/index.html" && return 0
		sleep 0.1
	done
	return 1
}

# Waits until process $1 is gone (10 s at most).
http_wait_exit() { # pid
	local _
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

http_khttpd_start() { # docroot
	# shellcheck disable=SC2086 # KHTTPD_ARGS is a list of parameters
	insmod "$http_mods/examples/khttpd/khttpd.ko" port="$KHTTPD_PORT" docroot="$1" \
		${KHTTPD_ARGS:-} || http_die "cannot load khttpd"
}

http_khttpd_stop() {
	rmmod khttpd || http_die "cannot unload khttpd"
}

# nginx.conf for DOCROOT.  keepalive_requests: as good as unlimited.
http_nginx_conf() { # docroot
	cat <<EOF
worker_processes $(nproc);
pid $http_ngx/nginx.pid;
error_log $http_ngx/logs/error.log warn;
user root;
events { worker_connections 8192; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $http_ngx/tmp/body;
	proxy_temp_path $http_ngx/tmp/proxy;
	fastcgi_temp_path $http_ngx/tmp/fastcgi;
	uwsgi_temp_path $http_ngx/tmp/uwsgi;
	scgi_temp_path $http_ngx/tmp/scgi;
	default_type application/octet-stream;
	server {
		listen $NGINX_PORT backlog=1024;
		listen [::]:$NGINX_PORT backlog=1024;
		root $1;
	}
}
EOF
}

http_nginx_start() { # docroot
	rm -rf $http_ngx && mkdir -p $http_ngx/logs $http_ngx/tmp
	http_nginx_conf "$1" >$http_ngx/nginx.conf
	"$NGINX" -e $http_ngx/logs/error.log -p $http_ngx -c $http_ngx/nginx.conf ||
		http_die "cannot start nginx"
}

http_nginx_stop() {
	local pid
	pid=$(cat $http_ngx/nginx.pid 2>/dev/null) || http_die "nginx: no pid file"
	kill "$pid" || http_die "cannot stop nginx"
	http_wait_exit "$pid" || http_die "nginx does not exit"
}

# h2o.conf (h2o 2.2.5) for DOCROOT.  No access-log directive: no access log.
# h2o 2.2.5 has no sendfile: it reads a file into its buffers (pread) and
# writes those; file.send-compressed (off by default) stays off.  Keep-alive:
# h2o has no limit on the requests of a connection; an idle one is closed
# after http1-request-timeout (60 s, as long as nginx's keepalive_timeout
# roughly).  max-connections (1024 by default) is raised to 2 x 8192, what
# nginx's two workers would take.  Its listen directive has no backlog:
# h2o asks for 65535, which the kernel caps at net.core.somaxconn, so
# http_h2o_start sets that to 1024 while h2o starts.
http_h2o_conf() { # docroot
	cat <<EOF
num-threads: $(nproc)
max-connections: 16384
user: root
pid-file: $http_h2o/h2o.pid
error-log: $http_h2o/error.log
http1-request-timeout: 60
file.send-compressed: OFF
listen:
  port: $H2O_PORT
  host: 0.0.0.0
listen:
  port: $H2O_PORT
  host: "::"
hosts:
  default:
    paths:
      /:
        file.dir: $1
EOF
}

http_h2o_start() { # docroot
	local somaxconn rc=0
	rm -rf $http_h2o && mkdir -p $http_h2o
	http_h2o_conf "$1" >$http_h2o/h2o.conf
	"$H2O" -t -c $http_h2o/h2o.conf >$http_h2o/check.log 2>&1 ||
		{ cat $http_h2o/check.log >&2; http_die "h2o rejects its configuration"; }
	somaxconn=$(cat /proc/sys/net/core/somaxconn)
	echo 1024 >/proc/sys/net/core/somaxconn || http_die "cannot set net.core.somaxconn for h2o"
	# In the foreground (h2o's master mode), in the background of this
	# shell; -m daemon would put a Perl supervisor (start_server) in
	# between, which opens the listening sockets itself.
	"$H2O" -c $http_h2o/h2o.conf >>$http_h2o/error.log 2>&1 &
	http_h2o_pid=$!
	http_wait "$H2O_PORT" || rc=1
	echo "$somaxconn" >/proc/sys/net/core/somaxconn
	[ $rc = 0 ] || { cat $http_h2o/error.log >&2; http_die "h2o does not answer on port $H2O_PORT"; }
}

http_h2o_stop() {
	kill "$http_h2o_pid" || http_die "cannot stop h2o"
	http_wait_exit "$http_h2o_pid" || http_die "h2o does not exit"
	wait "$http_h2o_pid" 2>/dev/null
}

# lighttpd.conf (lighttpd 1.4.69) for DOCROOT.  No mod_accesslog: no access
# log.  server.max-worker forks that many processes sharing the listening
# sockets (lighttpd is one event loop per process).  Keep-alive: lighttpd
# counts a connection's requests in 16 bits, so 65535 is its highest limit
# (htstress and wrk reconnect when it closes); idle ones live 60 s.  Its
# parent ends its workers with a signal to its whole process group, so it
# runs as a daemon (in a session of its own), stopped through its pid file.
http_lighttpd_conf() { # docroot
	cat <<EOF
server.document-root = "$1"
server.port = $LIGHTTPD_PORT
server.bind = "0.0.0.0"
\$SERVER["socket"] == "[::]:$LIGHTTPD_PORT" { }
server.pid-file = "$http_ltd/lighttpd.pid"
server.errorlog = "$http_ltd/error.log"
server.upload-dirs = ( "$http_ltd/tmp" )
server.modules = ( "mod_staticfile" )
server.max-worker = $(nproc)
server.max-fds = 16384
server.max-connections = 8192
server.listen-backlog = 1024
server.network-backend = "sendfile"
server.max-keep-alive-requests = 65535
server.max-keep-alive-idle = 60
index-file.names = ( "index.html" )
mimetype.assign = ( "" => "application/octet-stream" )
EOF
}

http_lighttpd_start() { # docroot
	rm -rf $http_ltd && mkdir -p $http_ltd/tmp
	http_lighttpd_conf "$1" >$http_ltd/lighttpd.conf
	"$LIGHTTPD" -tt -f $http_ltd/lighttpd.conf >$http_ltd/check.log 2>&1 ||
		{ cat $http_ltd/check.log >&2; http_die "lighttpd rejects its configuration"; }
	"$LIGHTTPD" -f $http_ltd/lighttpd.conf || http_die "cannot start lighttpd"
}

http_lighttpd_stop() {
	local pid _
	pid=$(cat $http_ltd/lighttpd.pid 2>/dev/null) || http_die "lighttpd: no pid file"
	kill "$pid" || http_die "cannot stop lighttpd"
	http_wait_exit "$pid" || http_die "lighttpd does not exit"
	# Its workers go a moment after it.
	for _ in $(seq 50); do
		ss -Htln "sport = :$LIGHTTPD_PORT" | grep -q . || return 0
		sleep 0.1
	done
	http_die "lighttpd still listens on port $LIGHTTPD_PORT"
}

http_floor_start_one() { # docroot
	# shellcheck source=/dev/null # written separately, may be absent
	source "$http_floor_sh"
	http_floor_start "$http_mods" "$1" "$FLOOR_PORT" || http_die "cannot start the floor"
}

http_servers_start() { # module_dir docroot [name...]
	local www=$2 s p body names
	http_mods=$1
	shift 2
	names=${*:-$(http_servers_list "$http_mods")}
	[ -f "$www/index.html" ] || http_die "no $www/index.html to serve"
	chmod -R a+rX "$www"
	body=$(cat "$www/index.html")
	for s in $names; do
		p=$(http_server_port "$s")
		case $s in
		floor) http_floor_start_one "$www" ;;
		*) "http_${s}_start" "$www" ;;
		esac
		http_started+=("$s")
		http_wait "$p" || http_die "$s does not answer on port $p"
		# The floor answers every request with one canned response:
		# it has no files to compare.
		[ "$s" = floor ] && continue
		[ "$(curl -sf "http://127.0.0.1:$p/index.html")" = "$body" ] ||
			http_die "$s (port $p) does not serve index.html intact"
		if [ -f "$www/large.bin" ]; then
			curl -sf "http://127.0.0.1:$p/large.bin" | cmp -s - "$www/large.bin" ||
				http_die "$s (port $p) does not serve large.bin intact"
		fi
	done
}

http_servers_stop() {
	local i s
	for ((i = ${#http_started[@]} - 1; i >= 0; i--)); do
		s=${http_started[i]}
		case $s in
		floor) http_floor_stop || http_die "cannot stop the floor" ;;
		*) "http_${s}_stop" ;;
		esac
	done
	http_started=()
}
