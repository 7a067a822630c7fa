#!/usr/bin/env bash
# npm run test:lab — tsmig's ssh driver against real libvirt/QEMU: installs what the lab needs
# (quick when already there), brings the two-host lab up, runs test/lab/*.test.ts one file at a
# time (they share the lab), and always tears the lab down.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The lab is one per machine: wait while something else drives it (the paper benchmark, the
# lab's smoke test), up to TSMIG_LAB_WAIT_S (default 900 s). Reads the process list only.
other_lab_users() {
  pgrep -af -- 'paper\.ts --lab|paper-diag|paper-lab\.yml|tsmig-lab/inventory\.yml|test/lab/(smoke|soak)\.sh' | grep -v "^$$ " || true
}
waited=0
while [ -n "$(other_lab_users)" ]; do
  if [ "$waited" -ge "${TSMIG_LAB_WAIT_S:-900}" ]; then
    echo "lab tests: the lab is still in use after ${waited} s, giving up:" >&2
    other_lab_users >&2
    exit 1
  fi
  [ $((waited % 60)) -eq 0 ] && { echo "lab tests: waiting for the lab, in use by:" >&2; other_lab_users >&2; }
  sleep 5
  waited=$((waited + 5))
done

bash test/lab/install-deps.sh
trap 'bash test/lab/lab.sh down || true' EXIT
bash test/lab/lab.sh up
rm -f test-output/lab-measurements.jsonl
status=0
node --import tsx --test --test-concurrency=1 --test-reporter=spec test/lab/*.test.ts || status=$?
if [ "$status" -ne 0 ]; then
  # What the hosts logged, for the failure above (the lab and its logs are gone after this).
  echo "lab tests failed (exit ${status}); the hosts' logs:" >&2
  bash test/lab/lab.sh logs 12 >&2 || true
fi
exit "$status"
