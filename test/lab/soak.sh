#!/usr/bin/env bash
# Guest survival on the lab's libvirt/QEMU stack (issue: guests that die on arrival,
# test/lab/README.md). Brings the lab up on the stack install-deps.sh installs, starts the
# external traffic (gsend streams out to this machine, which streams into grecv), and migrates
# both guests at once back and forth, ROUNDS times per mode, with bare `virsh migrate` (tsmig
# plays no part: this measures the stack). After each round both guests must run on the
# destination and no guest may have booted again (a reset on arrival shows as a second boot on
# its console). Too long for CI: run by hand, results go to docs/results/.
#
#   soak.sh [ROUNDS] [MODES]   ROUNDS per mode (default 15: 30 migrations per mode),
#                              MODES "pre-copy post-copy" (default)
#   TSMIG_LAB_STACK            backports (default) or stable, as install-deps.sh
#   TSMIG_LAB_SOAK_OUT         results file (default docs/results/lab-soak-STACK-DATE.json)
#   TSMIG_LAB_SOAK_REUSE=1     keep a lab that is up (its daemons must run the stack's binaries:
#                              only after an up since install-deps changed nothing), reboot guests
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly REPO="${HERE}/../.."
readonly LAB="${HERE}/lab.sh"
readonly LAB_DIR="${TSMIG_LAB_DIR:-/tmp/tsmig-lab}"
readonly STACK="${TSMIG_LAB_STACK:-backports}"
readonly ROUNDS="${1:-15}"
read -r -a MODES <<<"${2:-pre-copy post-copy}"
readonly MODES
readonly GUESTS=(gsend grecv)
# After virsh returns, a guest that dies on arrival is gone (or has rebooted) within ~1 s
# (README); 3 s is what tsmig's own final check waits too.
readonly SETTLE_S=3
readonly MIGRATE_TIMEOUT_S=300
OUT="${TSMIG_LAB_SOAK_OUT:-${REPO}/docs/results/lab-soak-${STACK}-$(date -u +%F).json}"
readonly OUT

say() { printf 'soak: %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
lab() { bash "$LAB" "$@"; }
other() { [[ "$1" == hostA ]] && echo hostB || echo hostA; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# Boots of a guest seen on the consoles of both hosts, this boot's log and earlier ones.
boots_of() {
  cat "${LAB_DIR}"/hosts/*/log-libvirt/qemu/"$1"-console{,.previous}.log 2>/dev/null |
    grep -c 'TSMIG-GUEST-READY' || true
}

state_on() {
  lab exec "$1" virsh -c qemu:///system domstate "$2" 2>/dev/null | head -n 1 || true
}

# migrate-postcopy is refused until the source has started sending RAM.
switch_to_postcopy() {
  local from="$1" name="$2" deadline=$((SECONDS + 60))
  until grep -Eq '^memory_processed: [1-9]' <<<"$(lab exec "$from" virsh domjobinfo --rawstats "$name" 2>/dev/null)"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
  lab exec "$from" virsh migrate-postcopy "$name" >/dev/null 2>&1
}

# One guest's migration; prints "exit switched": virsh's exit status, and for post-copy whether
# the switch took (--bandwidth 8 keeps the pre-copy phase going long enough, as smoke.sh).
migrate_one() {
  local mode="$1" from="$2" to="$3" name="$4" status=0 switched=-
  local args=(--live "$name" "qemu+ssh://${to}/system")
  if [[ "$mode" == post-copy ]]; then
    args=(--postcopy --bandwidth 8 "${args[@]}")
    lab exec "$from" timeout "$MIGRATE_TIMEOUT_S" virsh -c qemu:///system migrate "${args[@]}" >/dev/null 2>&1 &
    local pid=$!
    if switch_to_postcopy "$from" "$name"; then switched=yes; else switched=no; fi
    wait "$pid" || status=$?
  else
    lab exec "$from" timeout "$MIGRATE_TIMEOUT_S" virsh -c qemu:///system migrate "${args[@]}" >/dev/null 2>&1 || status=$?
  fi
  printf '%s %s\n' "$status" "$switched"
}

records=()
deaths=0
failures=0

round() {
  local mode="$1" n="$2" from="$3" to name started secs boots_before=() result
  to="$(other "$from")"
  for name in "${GUESTS[@]}"; do boots_before+=("$(boots_of "$name")"); done
  started="$(now)"
  local tmp
  tmp="$(mktemp -d)"
  for name in "${GUESTS[@]}"; do
    migrate_one "$mode" "$from" "$to" "$name" >"${tmp}/${name}" &
  done
  wait
  secs="$(since "$started")"
  sleep "$SETTLE_S"
  local i=0 status switched state boots dead
  for name in "${GUESTS[@]}"; do
    read -r status switched <"${tmp}/${name}"
    state="$(state_on "$to" "$name")"
    boots="$(boots_of "$name")"
    dead=false
    if [[ "$status" == 0 && ("$state" != running || "$boots" != "${boots_before[$i]}") ]]; then
      dead=true
      deaths=$((deaths + 1))
    fi
    [[ "$status" == 0 ]] || failures=$((failures + 1))
    result="$(printf '{"mode":"%s","round":%d,"vm":"%s","from":"%s","to":"%s","exit":%d,"postcopy_switched":"%s","round_s":%s,"state_after":"%s","boots_before":%d,"boots_after":%d,"dead":%s,"load1":%s}' \
      "$mode" "$n" "$name" "$from" "$to" "$status" "$switched" "$secs" "${state:-absent}" "${boots_before[$i]}" "$boots" "$dead" "$(loadavg)")"
    records+=("$result")
    say "$result"
    i=$((i + 1))
  done
  rm -rf "$tmp"
  # A dead or stuck guest: start the next round from a known state (both on hostA).
  if [[ "$(state_on "$to" gsend)" != running || "$(state_on "$to" grecv)" != running ]] ||
    [[ "$(boots_of gsend)" != "${boots_before[0]}" || "$(boots_of grecv)" != "${boots_before[1]}" ]]; then
    say "round ${n}: resetting the guests"
    lab reset-guests
    HOME_HOST=hostA
  else
    HOME_HOST="$to"
  fi
}

write_results() {
  local libvirt qemu
  libvirt="$(dpkg-query -W -f='${Version}' libvirt-daemon)"
  qemu="$(dpkg-query -W -f='${Version}' qemu-system-x86)"
  mkdir -p "$(dirname "$OUT")"
  {
    printf '{"stack":{"name":"%s","libvirt":"%s","qemu":"%s"},' "$STACK" "$libvirt" "$qemu"
    printf '"setup":"both guests at once, bare virsh migrate, unshaped link, external traffic (gsend streams out, grecv receives), grecv dirtying %s MiB/s, %s s settle, a second boot or a guest not running on its destination = dead",' \
      "${TSMIG_LAB_GRECV_DIRTY_MIB:-16}" "$SETTLE_S"
    printf '"summary":{'
    local mode first=1
    for mode in "${MODES[@]}"; do
      ((first)) || printf ','
      first=0
      printf '"%s":{"migrations":%d,"virsh_failed":%d,"dead":%d}' "$mode" \
        "$(printf '%s\n' "${records[@]}" | grep -c "\"mode\":\"${mode}\"")" \
        "$(printf '%s\n' "${records[@]}" | grep "\"mode\":\"${mode}\"" | grep -vc '"exit":0,' || true)" \
        "$(printf '%s\n' "${records[@]}" | grep "\"mode\":\"${mode}\"" | grep -c '"dead":true' || true)"
    done
    printf '},"migrations":[\n%s\n]}\n' "$(IFS=$'\n'; printf '%s\n' "${records[@]}" | paste -sd, -)"
  } >"$OUT"
  say "results: ${OUT}"
}

main() {
  [[ "$ROUNDS" =~ ^[0-9]+$ ]] || { say "ROUNDS must be a whole number"; exit 2; }
  TSMIG_LAB_STACK="$STACK" bash "${HERE}/install-deps.sh"
  # up restarts the daemons on the stack just installed; the lab stays up afterwards.
  trap 'lab external-traffic stop' EXIT
  export TSMIG_LAB_TRAFFIC=external
  if [[ "${TSMIG_LAB_SOAK_REUSE:-0}" == 1 ]] && lab status >/dev/null; then
    lab reset-guests
  else
    lab up
  fi
  lab external-traffic start
  local mode n started
  started="$(now)"
  HOME_HOST=hostA
  for mode in "${MODES[@]}"; do
    for ((n = 1; n <= ROUNDS; n++)); do
      round "$mode" "$n" "$HOME_HOST"
    done
  done
  say "${#records[@]} migrations in $(since "$started") s: ${failures} virsh failures, ${deaths} guests dead"
  write_results
}

main "$@"
