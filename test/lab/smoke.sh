#!/usr/bin/env bash
# End-to-end check of the lab itself (not of tsmig): install, up, SSH as the
# engine would, guest traffic rates, one pre-copy and one post-copy migration,
# down, and nothing left behind. Prints the timings it measured.
#
#   smoke.sh [ROUNDS]     (default 1; each round is a full up ... down)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly LAB="${HERE}/lab.sh"
readonly LAB_DIR="${TSMIG_LAB_DIR:-/tmp/tsmig-lab}"
readonly RATE_SAMPLE_S=5
readonly MIN_GUEST_RATE_BPS=1000000 # the sender aims at ~1.7 MB/s (test/lab/README.md)

say() { printf 'smoke: %s\n' "$*" >&2; }
fail() {
  say "FAIL: $*"
  exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
lab() { bash "$LAB" "$@"; }

engine_ssh() {
  ssh -i "${LAB_DIR}/id_ed25519" -o UserKnownHostsFile="${LAB_DIR}/known_hosts" \
    -o BatchMode=yes -o ConnectTimeout=5 "root@$1" "${@:2}"
}

# One counter of a guest's interface from `virsh domstats --raw` output.
stat_of() {
  local stats="$1" domain="$2" key="$3"
  awk -v dom="Domain: '${domain}'" -v key="net.0.${key}=" '
    $0 == dom { inside = 1; next }
    /^Domain:/ { inside = 0 }
    inside && index($1, key) == 1 { sub(key, "", $1); print $1; exit }' <<<"$stats"
}

check_engine_view() {
  local list
  list="$(engine_ssh 10.200.0.1 virsh -c qemu:///system list)"
  if ! grep -Eq 'gsend +running' <<<"$list" || ! grep -Eq 'grecv +running' <<<"$list"; then
    fail "hostA does not list both guests running: ${list}"
  fi
  engine_ssh 10.200.0.2 virsh -c qemu:///system list >/dev/null || fail "hostB: virsh over ssh"
  say "engine ssh: both hosts answer; gsend and grecv run on hostA"
}

check_guest_rates() {
  local first second started elapsed tx rx
  first="$(lab exec hostA virsh domstats --interface --list-running --raw)"
  started="$(now)"
  sleep "$RATE_SAMPLE_S"
  second="$(lab exec hostA virsh domstats --interface --list-running --raw)"
  elapsed="$(since "$started")"
  tx="$(awk -v a="$(stat_of "$first" gsend tx.bytes)" -v b="$(stat_of "$second" gsend tx.bytes)" \
    -v t="$elapsed" 'BEGIN { printf "%d", (b - a) / t }')"
  rx="$(awk -v a="$(stat_of "$first" grecv rx.bytes)" -v b="$(stat_of "$second" grecv rx.bytes)" \
    -v t="$elapsed" 'BEGIN { printf "%d", (b - a) / t }')"
  say "guest rates over ${elapsed} s: gsend tx ${tx} B/s, grecv rx ${rx} B/s"
  ((tx >= MIN_GUEST_RATE_BPS)) || fail "gsend sends too little"
  ((rx >= MIN_GUEST_RATE_BPS)) || fail "grecv receives too little"
}

# Captured first: grep -q closing the pipe early would fail virsh under pipefail.
expect_running() {
  local list
  list="$(lab exec "$1" virsh list --all)"
  grep -Eq "^ *[0-9]+ +$2 +running" <<<"$list" || fail "$2 is not running on $1: ${list}"
}

precopy_gsend() {
  local started
  started="$(now)"
  lab exec hostA virsh -c qemu:///system migrate --live --verbose gsend qemu+ssh://hostB/system \
    >/dev/null 2>&1 || fail "pre-copy of gsend"
  expect_running hostB gsend
  say "pre-copy gsend hostA -> hostB: $(since "$started") s"
}

# migrate-postcopy is refused until the source QEMU has started sending RAM
# (connecting and starting the destination QEMU take about a second).
wait_for_ram_transfer() {
  local deadline=$((SECONDS + 20))
  until grep -Eq '^memory_processed: [1-9]' <<<"$(lab exec hostA virsh domjobinfo --rawstats "$1" 2>/dev/null)"; do
    ((SECONDS < deadline)) || fail "migration of $1 never started sending RAM"
    sleep 0.1
  done
}

# --bandwidth 8 keeps the pre-copy phase going (test/lab/README.md) so that the switch to
# post-copy, asked from a second virsh, really happens.
postcopy_grecv() {
  local started events migrate_pid event_pid
  events="${LAB_DIR}/smoke-events.txt"
  lab exec hostA timeout 30 virsh event --event job-completed --loop --timestamp >"$events" 2>&1 &
  event_pid=$!
  sleep 0.3
  started="$(now)"
  lab exec hostA virsh -c qemu:///system migrate --live --postcopy --bandwidth 8 --verbose \
    grecv qemu+ssh://hostB/system >/dev/null 2>&1 &
  migrate_pid=$!
  wait_for_ram_transfer grecv
  lab exec hostA virsh migrate-postcopy grecv || fail "migrate-postcopy grecv"
  wait "$migrate_pid" || fail "post-copy migration of grecv"
  say "post-copy grecv hostA -> hostB: $(since "$started") s"
  sleep 0.5
  kill "$event_pid" 2>/dev/null || true
  wait "$event_pid" 2>/dev/null || true
  grep -q 'operation: 5' "$events" || fail "no post-copy job-completed event: $(cat "$events")"
  expect_running hostB grecv
  rm -f "$events"
}

check_nothing_left() {
  local leftovers
  leftovers="$(ip -br link | grep -E '^(labmgmt|veth-host)' || true)"
  [[ -z "$leftovers" ]] || fail "devices left: ${leftovers}"
  if lab status >/dev/null; then fail "status still reports a running lab"; fi
  # Zombies wait for this machine's PID 1 to reap them; count live ones only.
  leftovers="$(ps -eo stat=,args= | awk '$1 !~ /^Z/' | grep -F -e "$LAB_DIR" -e 'guest=gsend' -e 'guest=grecv' |
    grep -v -e grep -e smoke.sh || true)"
  [[ -z "$leftovers" ]] || fail "processes left: ${leftovers}"
}

round() {
  local started
  started="$(now)"
  lab up
  say "up: $(since "$started") s"
  check_engine_view
  check_guest_rates
  precopy_gsend
  postcopy_grecv
  started="$(now)"
  lab down
  say "down: $(since "$started") s"
  check_nothing_left
}

main() {
  local rounds="${1:-1}" i started
  started="$(now)"
  bash "${HERE}/install-deps.sh"
  say "install-deps: $(since "$started") s"
  trap 'lab down' EXIT
  for ((i = 1; i <= rounds; i++)); do
    say "round ${i}/${rounds}"
    round
  done
  trap - EXIT
  say "all checks passed"
}

main "$@"
