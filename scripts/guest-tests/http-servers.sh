# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by the guest's HTTP benchmarks (khttpd-bench.sh for make demo,
# bench-guest.sh for make bench): khttpd and Debian's nginx serving the same
# document root side by side, in the same guest.
#
#   http_servers_start MODULE_DIR DOCROOT   load khttpd, start nginx, wait
#                                           until both answer DOCROOT/index.html
#   http_servers_stop                       stop nginx, unload khttpd
#
# khttpd listens on $KHTTPD_PORT (8081), with $KHTTPD_ARGS as more module
# parameters; nginx ($NGINX, /usr/sbin/nginx) on $NGINX_PORT (8080) with 2
# workers, access_log off, sendfile on, its files under /tmp/bench-nginx.
# Both fail through http_die, which callers may redefine.

KHTTPD_PORT=${KHTTPD_PORT:-8081}
NGINX_PORT=${NGINX_PORT:-8080}
NGINX=${NGINX:-/usr/sbin/nginx}
http_ngx=/tmp/bench-nginx

http_die() { echo "http-servers: $*" >&2; exit 1; }

# nginx.conf for DOCROOT: the settings a production nginx would have for
# static files, minus logging (khttpd keeps no access log either).
http_nginx_conf() { # docroot
	cat <<EOF
worker_processes 2;
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

http_servers_start() { # module_dir docroot
	local mod=$1/examples/khttpd/khttpd.ko www=$2 p body
	[ -f "$www/index.html" ] || http_die "no $www/index.html to serve"
	chmod -R a+rX "$www"
	rm -rf $http_ngx && mkdir -p $http_ngx/logs $http_ngx/tmp
	http_nginx_conf "$www" >$http_ngx/nginx.conf
	# shellcheck disable=SC2086 # KHTTPD_ARGS is a list of parameters
	insmod "$mod" port="$KHTTPD_PORT" docroot="$www" ${KHTTPD_ARGS:-} ||
		http_die "cannot load khttpd"
	"$NGINX" -e $http_ngx/logs/error.log -p $http_ngx -c $http_ngx/nginx.conf ||
		http_die "cannot start nginx"
	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$NGINX_PORT/index.html" >/dev/null && break
		sleep 0.1
	done
	body=$(cat "$www/index.html")
	for p in "$KHTTPD_PORT" "$NGINX_PORT"; do
		[ "$(curl -sf "http://127.0.0.1:$p/index.html")" = "$body" ] ||
			http_die "no answer on port $p"
	done
}

http_servers_stop() {
	local _
	kill "$(cat $http_ngx/nginx.pid)" 2>/dev/null
	for _ in $(seq 50); do
		[ -e $http_ngx/nginx.pid ] || break
		sleep 0.1
	done
	rmmod khttpd || http_die "cannot unload khttpd"
}
