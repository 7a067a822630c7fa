#!/usr/bin/env bash
# npm run test:lab — tsmig's ssh driver against real libvirt/QEMU: installs what the lab needs
# (quick when already there), brings the two-host lab up, runs test/lab/*.test.ts one file at a
# time (they share the lab), and always tears the lab down.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash test/lab/install-deps.sh
trap 'bash test/lab/lab.sh down || true' EXIT
bash test/lab/lab.sh up
rm -f test-output/lab-measurements.jsonl
node --import tsx --test --test-concurrency=1 --test-reporter=spec test/lab/*.test.ts
