// Start-up bench: `tsmig --version` and `tsmig validate` of the demo beside `node -e 0` (the floor
// no Node CLI goes below) and beside `ansible-playbook --syntax-check` of a two-task playbook,
// side by side in one run: the commands take turns, each ROUNDS times; medians of wall time.
// It runs the build (dist/), as `npx tsmig` does; `npm run bench` builds first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = 7;
const repo = new URL('..', import.meta.url).pathname;
const bin = join(repo, 'bin/tsmig.js');
const demo = join(repo, 'playbooks/demo-sim.yml');

const ANSIBLE_PLAYBOOK = `- name: two tasks
  hosts: localhost
  gather_facts: false
  tasks:
    - name: say hello
      ansible.builtin.debug:
        msg: hello
    - name: say goodbye
      ansible.builtin.debug:
        msg: goodbye
`;

interface Subject {
  label: string;
  argv: string[];
}

function ansiblePlaybookPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v ansible-playbook'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** CPU time of this process's waited-for children (user + system), in ms: from /proc, 10 ms ticks. */
function childrenCpuMs(): number {
  // Fields after the command name (which may hold spaces): cutime and cstime are the 14th and 15th.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Wall time (what a user waits) and CPU time (what a busy machine distorts least), in ms. */
function timeRun(argv: string[]): { wallMs: number; cpuMs: number } {
  const [command, ...args] = argv;
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync(command!, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'tsmig-startup-'));
try {
  const ansible = ansiblePlaybookPath();
  const playbook = join(dir, 'two-tasks.yml');
  writeFileSync(playbook, ANSIBLE_PLAYBOOK);
  const subjects: Subject[] = [
    { label: 'node -e 0 (floor)', argv: [process.execPath, '-e', '0'] },
    { label: 'tsmig --version', argv: [process.execPath, bin, '--version'] },
    { label: 'tsmig validate playbooks/demo-sim.yml', argv: [process.execPath, bin, 'validate', demo] },
    ...(ansible
      ? [
          { label: 'ansible-playbook --version', argv: [ansible, '--version'] },
          { label: 'ansible-playbook --syntax-check (2 tasks)', argv: [ansible, '-i', 'localhost,', '--syntax-check', playbook] },
        ]
      : []),
  ];
  for (const s of subjects) timeRun(s.argv); // warm the file cache
  const wall = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
  const cpu = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of subjects) {
      const t = timeRun(s.argv);
      wall.get(s.label)!.push(t.wallMs);
      cpu.get(s.label)!.push(t.cpuMs);
    }
  }
  const medians = new Map([...wall].map(([label, ms]) => [label, median(ms)]));
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`Start-up, medians of ${ROUNDS} rounds taken in turns (load average ${load}):`);
  const width = Math.max(...subjects.map((s) => s.label.length));
  console.log(`  ${''.padEnd(width)}  wall      CPU (user+sys)`);
  for (const s of subjects) {
    console.log(`  ${s.label.padEnd(width)}  ${(medians.get(s.label)! / 1000).toFixed(3)} s   ${(median(cpu.get(s.label)!) / 1000).toFixed(2)} s`);
  }
  if (!ansible) {
    console.log('  ansible not installed: no comparison (apt-get install ansible-core)');
  } else {
    const validate = medians.get('tsmig validate playbooks/demo-sim.yml')!;
    const syntaxCheck = medians.get('ansible-playbook --syntax-check (2 tasks)')!;
    const cpuOf = (label: string): number => median(cpu.get(label)!);
    const cpuRatio = cpuOf('tsmig validate playbooks/demo-sim.yml') / cpuOf('ansible-playbook --syntax-check (2 tasks)');
    console.log(`  tsmig validate / ansible-playbook --syntax-check: ${(validate / syntaxCheck).toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× CPU (${validate < syntaxCheck ? 'faster' : 'slower'})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
