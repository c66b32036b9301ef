#!/usr/bin/env bash
# Installs the built .deb and checks what it does, then purges it and checks what is left.
#
#   tests/packaging/test_package.sh [build/package/pyrolog_<version>_<arch>.deb]
#
# Needs root (dpkg -i), and for the run: Java, Maven's cached Kafka jars and kcat (scripts/setup), since the
# installed configuration's Kafka sink is pointed at a real test broker (tests/harness/kafka). Works without a
# running systemd (a container): the unit is checked with systemd-analyze, and the agent is started by hand as
# user pyrolog, the way the unit would start it (same user, groups, command line and configuration).
#
# Steps: dpkg -i; the files, their owners and conffiles; the user pyrolog (system, in adm); the man page;
# systemd-analyze verify (and the security exposure, when systemd-analyze can compute it offline);
# `pyrolog check` on the installed configuration; a run as pyrolog of a copy of the installed configuration
# whose tail follows a temporary root:adm 0750 log directory (like /var/log/nginx) and whose Kafka sink writes
# to the test broker (KAFKA_BROKERS, KAFKA_TOPIC, as /etc/default/pyrolog would set them): every access line
# must arrive, parsed, once, also across a SIGHUP reload; /metrics and /health when the binary serves them; a
# graceful stop; then dpkg -r (conffiles and data stay) and dpkg --purge (everything goes but the user and
# group pyrolog, which Debian keeps, and the logs).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -nE 's/^project\(pyrolog VERSION ([0-9][0-9.]*)[ )].*/\1/p' "$root/CMakeLists.txt")
arch=$(dpkg --print-architecture)
deb=${1:-$root/build/package/pyrolog_${version}_${arch}.deb}
lines=${PYROLOG_PACKAGE_TEST_LINES:-500}

failures=0
pass() { echo "  ok: $*"; }
fail() {
  echo "  FAIL: $*" >&2
  failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
die() {
  echo "test_package: $*" >&2
  exit 1
}

[[ $(id -u) -eq 0 ]] || die "needs root (dpkg -i, runuser)"
[[ -f "$deb" ]] || die "no package at $deb; build it with scripts/package"

tmp=$(mktemp -d /tmp/pyrolog-package-test.XXXXXX)
chmod 0755 "$tmp"
agent_pid=""
kafka_dir="$tmp/kafka"
cleanup() {
  if [[ -n "$agent_pid" ]] && kill -0 "$agent_pid" 2>/dev/null; then kill -KILL "$agent_pid" 2>/dev/null || true; fi
  if [[ -f "$kafka_dir/cluster.json" ]]; then "$root/tests/harness/kafka/kafka" stop --dir "$kafka_dir" >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# wait_until SECONDS COMMAND...: runs COMMAND until it succeeds, for at most SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

echo "== install $deb"
if dpkg-query -W -f='${Status}' pyrolog 2>/dev/null | grep -q ' installed$\|config-files$'; then
  echo "  (a pyrolog package is there from an earlier run: purging it first)"
  dpkg --purge pyrolog >/dev/null
fi
dpkg -i "$deb"
check "package installed" sh -c "dpkg-query -W -f='\${Status}' pyrolog | grep -qx 'install ok installed'"
check "package version is $version" sh -c "dpkg-query -W -f='\${Version}' pyrolog | grep -qx '$version'"
# Installing again runs postinst with the user, its groups and the data directory already there.
if dpkg -i "$deb" >"$tmp/reinstall.log" 2>&1; then pass "installs again over itself"; else fail "reinstall: $(cat "$tmp/reinstall.log")"; fi

echo "== files"
unit=""
for d in /lib/systemd/system /usr/lib/systemd/system; do
  if [[ -f "$d/pyrolog.service" ]]; then unit="$d/pyrolog.service"; fi
done
check "binary /usr/bin/pyrolog" test -x /usr/bin/pyrolog
check "pyrolog version prints $version" sh -c "/usr/bin/pyrolog version | grep -qw '$version'"
check "config /etc/pyrolog/pyrolog.yaml" test -f /etc/pyrolog/pyrolog.yaml
check "environment /etc/default/pyrolog" test -f /etc/default/pyrolog
check "both are conffiles" sh -c "grep -qx /etc/pyrolog/pyrolog.yaml /var/lib/dpkg/info/pyrolog.conffiles &&
  grep -qx /etc/default/pyrolog /var/lib/dpkg/info/pyrolog.conffiles"
check "config: data_dir is /var/lib/pyrolog" grep -qx 'data_dir: /var/lib/pyrolog' /etc/pyrolog/pyrolog.yaml
check "patterns in /usr/share/pyrolog/patterns (NGINXACCESS)" grep -q '^NGINXACCESS ' /usr/share/pyrolog/patterns/http
check "man page pyrolog(1)" test -f /usr/share/man/man1/pyrolog.1.gz
check "systemd unit installed" test -n "$unit"
check "unit enabled (multi-user.target.wants)" test -L /etc/systemd/system/multi-user.target.wants/pyrolog.service
check "copyright and changelog" test -f /usr/share/doc/pyrolog/copyright -a -f /usr/share/doc/pyrolog/changelog.gz
check "/var/lib/pyrolog is pyrolog:pyrolog 0750" sh -c '[ "$(stat -c %U:%G:%a /var/lib/pyrolog)" = pyrolog:pyrolog:750 ]'
unexpected=$(dpkg -L pyrolog | grep -vE '^/(\.|usr|usr/bin|usr/bin/pyrolog|usr/share|usr/share/(doc|man|man/man1|pyrolog|pyrolog/patterns)(/.*)?|etc|etc/pyrolog|etc/pyrolog/pyrolog\.yaml|etc/default|etc/default/pyrolog|lib|lib/systemd|lib/systemd/system|lib/systemd/system/pyrolog\.service|usr/lib|usr/lib/systemd|usr/lib/systemd/system|usr/lib/systemd/system/pyrolog\.service|var|var/lib|var/lib/pyrolog)$' || true)
if [[ -z "$unexpected" ]]; then pass "no other files in the package"; else fail "unexpected files: $unexpected"; fi

echo "== user"
check "user pyrolog exists" getent passwd pyrolog
check "group pyrolog exists" getent group pyrolog
check "pyrolog is a system user (uid < 1000)" sh -c '[ "$(id -u pyrolog)" -lt 1000 ]'
check "pyrolog cannot log in" sh -c 'getent passwd pyrolog | cut -d: -f7 | grep -q nologin'
check "pyrolog is in group adm" sh -c "id -nG pyrolog | tr ' ' '\n' | grep -qx adm"

echo "== man page"
man_warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l /usr/share/man/man1/pyrolog.1.gz 2>&1 >/dev/null || true)
if [[ -z "$man_warnings" ]]; then pass "man page renders without warnings"; else fail "man page: $man_warnings"; fi

echo "== systemd unit"
if verify=$(systemd-analyze verify "$unit" 2>&1) && [[ -z "$verify" ]]; then
  pass "systemd-analyze verify $unit"
else
  fail "systemd-analyze verify: $verify"
fi
for key in "Type=notify" "ExecStart=/usr/bin/pyrolog run --config /etc/pyrolog/pyrolog.yaml" \
  'ExecReload=/bin/kill -HUP $MAINPID' "WatchdogSec=30s" "User=pyrolog" "StateDirectory=pyrolog" \
  "NoNewPrivileges=yes" "ProtectSystem=strict" "ReadOnlyPaths=/var/log" "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"; do
  check "unit has $key" grep -qxF "$key" "$unit"
done
if exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | tail -1) && [[ -n "$exposure" ]]; then
  echo "  info: systemd-analyze security: $exposure"
fi

echo "== pyrolog check on the installed configuration, as user pyrolog"
check "pyrolog check --config /etc/pyrolog/pyrolog.yaml" \
  runuser -u pyrolog -- /usr/bin/pyrolog check --config /etc/pyrolog/pyrolog.yaml

echo "== run as user pyrolog: temporary nginx logs -> installed pipeline -> test Kafka broker"
# Logs like Debian's nginx writes them: a directory only adm (and root) can read.
logs="$tmp/nginx"
mkdir -p "$logs"
: >"$logs/access.log"
: >"$logs/error.log"
chown -R root:adm "$logs"
chmod 0750 "$logs"
chmod 0640 "$logs"/*.log
config="$tmp/pyrolog.yaml"
sed "s|/var/log/nginx/\*\.log|$logs/*.log|" /etc/pyrolog/pyrolog.yaml >"$config"
chmod 0644 "$config"
grep -q "include: \[$logs/\*.log\]" "$config" || die "could not point the copied config at $logs"

# free_port: a port P in 20000-29800 where P and P+100 are free on 127.0.0.1 (Kafka's broker and controller).
free_port() {
  /usr/bin/python3 - <<'PY'
import random, socket
def free(p):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p))
            return True
        except OSError:
            return False
for _ in range(200):
    p = random.randint(20000, 29800)
    if free(p) and free(p + 100):
        print(p)
        break
PY
}
# The self-monitoring endpoint (http: section; 127.0.0.1:9180 by default) moves to a free port, so that the
# test does not collide with an agent already running here. Skipped by a binary without it.
http_port=$(free_port)
cp "$config" "$config.http"
printf 'http:\n  address: 127.0.0.1:%s\n' "$http_port" >>"$config.http"
if /usr/bin/pyrolog check --config "$config.http" >/dev/null 2>&1; then
  mv "$config.http" "$config"
else
  http_port=""
  rm -f "$config.http"
fi
base_port=$(free_port)
brokers=$("$root/tests/harness/kafka/kafka" start --dir "$kafka_dir" --base-port "$base_port")
topic="pyrolog-package-test-$$"
echo "  broker $brokers, topic $topic"

runuser -u pyrolog -- env KAFKA_BROKERS="$brokers" KAFKA_TOPIC="$topic" \
  /usr/bin/pyrolog run --config "$config" >"$tmp/agent.log" 2>&1 &
runuser_pid=$!
find_agent() { agent_pid=$(pgrep -P "$runuser_pid" -x pyrolog || true); [[ -n "$agent_pid" ]]; }
agent_has_log_open() { ls -l "/proc/$agent_pid/fd" 2>/dev/null | grep -q "$logs/access.log"; }
if ! wait_until 30 find_agent; then
  cat "$tmp/agent.log" >&2
  die "the agent did not start"
fi
check "agent runs as pyrolog" sh -c "[ \"\$(stat -c %U /proc/$agent_pid)\" = pyrolog ]"
# The shipped config reads from the end of files present at the first start: write only once the agent
# follows access.log (so this also checks that user pyrolog can read a root:adm 0750 directory).
if wait_until 30 agent_has_log_open; then
  pass "agent opened $logs/access.log (group adm)"
else
  fail "agent did not open $logs/access.log"
  cat "$tmp/agent.log" >&2
fi
# append_lines FROM TO: access lines for requests /item/FROM to /item/TO.
append_lines() {
  local i
  for ((i = $1; i <= $2; i++)); do
    printf '10.1.%d.%d - - [21/Nov/2026:07:%02d:%02d +0000] "GET /item/%d HTTP/1.1" 200 %d "-" "pkgtest/1.0" "-"\n' \
      $((i / 250)) $((i % 250)) $((i / 60 % 60)) $((i % 60)) "$i" $((100 + i))
  done >>"$logs/access.log"
}
append_lines 1 "$lines"
echo '2026/11/21 07:00:00 [error] 1#1: this line is in error.log, which the config excludes' >>"$logs/error.log"

consumed="$tmp/consumed.jsonl"
expected=$lines
count_consumed() {
  kcat -C -b "$brokers" -t "$topic" -o beginning -e -q -f '%s\n' >"$consumed" 2>/dev/null || true
  [[ $(wc -l <"$consumed") -ge $expected ]]
}
if wait_until 90 count_consumed; then
  pass "$lines access lines arrived in Kafka"
else
  fail "only $(wc -l <"$consumed") of $lines lines arrived in Kafka"
  tail -20 "$tmp/agent.log" >&2
fi

if [[ -n "$http_port" ]]; then
  metrics="$tmp/metrics.txt"
  if curl -fsS "http://127.0.0.1:$http_port/metrics" -o "$metrics"; then
    pass "GET /metrics on 127.0.0.1:$http_port"
    if lint=$(promtool check metrics <"$metrics" 2>&1); then
      pass "/metrics passes promtool check metrics"
    else
      fail "/metrics: promtool check metrics: $lint"
    fi
    check "/metrics: the Kafka sink sent $lines events" \
      grep -qE "^pyrolog_component_sent_events_total\{[^}]*component=\"kafka\"[^}]*\} $lines\$" "$metrics"
    # The series the dashboard and the alert rules are built on.
    for name in pyrolog_component_received_events_total pyrolog_component_sent_events_total \
      pyrolog_channel_bytes pyrolog_channel_max_bytes pyrolog_channel_lag_batches pyrolog_transform_events_total \
      pyrolog_tail_files pyrolog_tail_behind_bytes pyrolog_kafka_in_flight_messages pyrolog_component_healthy \
      pyrolog_component_batch_latency_seconds_bucket pyrolog_kafka_delivery_latency_seconds_bucket; do
      check "/metrics has $name" grep -q "^$name{" "$metrics"
    done
  else
    fail "GET /metrics on 127.0.0.1:$http_port"
  fi
  check "GET /health is 200" curl -fsS "http://127.0.0.1:$http_port/health"
else
  echo "  skip: this binary has no http endpoint (/metrics, /health)"
fi


# ExecReload: SIGHUP reloads the configuration; the pipeline goes on from the saved positions.
kill -HUP "$agent_pid"
append_lines $((lines + 1)) $((lines + 100))
expected=$((lines + 100))
if wait_until 90 count_consumed && kill -0 "$agent_pid" 2>/dev/null; then
  pass "after SIGHUP (reload) the agent runs on, and 100 more lines arrived"
else
  fail "after SIGHUP: $(wc -l <"$consumed") of $expected lines arrived"
  tail -20 "$tmp/agent.log" >&2
fi
/usr/bin/python3 - "$consumed" "$expected" <<'PY' && pass "messages are parsed JSON (clientip, verb, response as a number, request time as timestamp), none from error.log" || fail "message content"
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[2])
assert len(msgs) == n, f"{len(msgs)} messages, expected {n}"
requests = sorted(int(m["request"].rsplit("/", 1)[1]) for m in msgs)
assert requests == list(range(1, n + 1)), "missing or duplicate requests"
m = msgs[0]
assert m["verb"] == "GET" and m["response"] == 200 and m["clientip"].startswith("10.1."), m
assert m["timestamp"].startswith("2026-11-21T07:"), m["timestamp"]
assert not any("error.log" in x.get("message", "") for x in msgs)
assert not any("_grokparsefailure" in json.dumps(x) for x in msgs)
PY

kill -TERM "$agent_pid"
if wait_until 60 sh -c "! kill -0 $agent_pid 2>/dev/null"; then
  set +e
  wait "$runuser_pid"
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then pass "graceful stop, exit 0"; else fail "agent exited $rc"; fi
else
  fail "agent did not stop within 60 s of SIGTERM"
fi
check "state written to /var/lib/pyrolog (positions, channel) as pyrolog" \
  sh -c '[ -n "$(find /var/lib/pyrolog -mindepth 1 -user pyrolog -print -quit)" ] && [ -z "$(find /var/lib/pyrolog -mindepth 1 ! -user pyrolog -print -quit)" ]'
"$root/tests/harness/kafka/kafka" stop --dir "$kafka_dir" >/dev/null 2>&1 || true

echo "== dpkg -r: the program goes, conffiles and data stay"
dpkg -r pyrolog >/dev/null
check "binary removed" test ! -e /usr/bin/pyrolog
check "unit removed" test ! -e "$unit"
check "patterns removed" test ! -e /usr/share/pyrolog
check "conffiles kept" test -f /etc/pyrolog/pyrolog.yaml -a -f /etc/default/pyrolog
check "data kept" test -d /var/lib/pyrolog

echo "== dpkg --purge: nothing left but what policy keeps"
dpkg --purge pyrolog >/dev/null
check "package gone" sh -c "! dpkg-query -W -f='\${Status}' pyrolog 2>/dev/null | grep -q ' installed\$\|config-files\$'"
for path in /usr/bin/pyrolog /etc/pyrolog /etc/default/pyrolog /var/lib/pyrolog /usr/share/pyrolog \
  /usr/share/doc/pyrolog /usr/share/man/man1/pyrolog.1.gz /lib/systemd/system/pyrolog.service \
  /usr/lib/systemd/system/pyrolog.service /etc/systemd/system/multi-user.target.wants/pyrolog.service \
  /var/lib/systemd/deb-systemd-helper-enabled/pyrolog.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/pyrolog.service; do
  check "gone: $path" test ! -e "$path"
done
leftover=$(find /etc /usr /var/lib -name '*pyrolog*' -not -path '/var/lib/dpkg/*' -not -path '/usr/local/*' 2>/dev/null || true)
if [[ -z "$leftover" ]]; then pass "no file named *pyrolog* left in /etc, /usr, /var/lib"; else fail "left behind: $leftover"; fi
check "user pyrolog kept (system users are not removed)" getent passwd pyrolog
check "the logs are untouched" test -s "$logs/access.log"

if ((failures)); then
  echo "test_package: $failures check(s) failed" >&2
  exit 1
fi
echo "test_package: OK"
