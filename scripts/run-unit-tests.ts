// `npm run test:unit [-- FILE… | --node-test-option…]`: bundles each unit test file with esbuild
// (the transpiler tsx uses too) and runs the bundles with node's test runner, so that each test
// process starts as plain node. tsx's loader costs ~0.7 s of CPU in every test process (a loader
// thread, esbuild, its cache): about 40 s of the suite's CPU on this 2-core machine, ~20 s of wall.
// Everything is rebuilt at each run (under a second), so a fresh clone runs what the sources say.
// A single file still runs as before with `node --import tsx --test test/unit/NAME.test.ts`.
import { build, type Plugin } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('../', import.meta.url));
const testDir = join(repo, 'test/unit');
/** Test files at once on 2 cores (many wait on timers or children part of the time); 4 was no faster (189 s CPU / 180 s wall at 3, 201 s / 194 s at 4, load 6-9, back to back). */
const CONCURRENCY = 3;

/**
 * Bundled, every module would see the bundle's import.meta.url: each keeps its own file's URL
 * instead, so paths found from it (fixtures, bin/, schemas/) are the ones the sources name.
 */
const keepImportMetaUrl: Plugin = {
  name: 'keep-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('-'));
const named = args.filter((a) => !a.startsWith('-')).map((f) => resolve(f));
/**
 * The files with the longest wall time (real SSH sessions and timers, CLI runs, Chromium), in
 * that order, start first: started last in alphabetical order, ssh-driver (~30 s, mostly waiting)
 * ran on alone at the end. A name no longer there is ignored.
 */
const LONGEST_FIRST = ['ssh-driver', 'hostile-signals', 'cli', 'hostile-exit-codes', 'report-html', 'report-command', 'planner-optimality', 'progress-live-terminal'];
const rank = (file: string): number => {
  const i = LONGEST_FIRST.indexOf(file.replace(/\.test\.ts$/, ''));
  return i === -1 ? LONGEST_FIRST.length : i;
};
const all = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.ts'))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const files = named.length > 0 ? named : all.map((f) => join(testDir, f));

// Beside node_modules, so the bundles' package imports resolve as the sources' do; one directory
// per run, so two runs in one checkout do not overwrite each other's bundles.
const cacheDir = join(repo, 'node_modules/.cache/tsmig-unit-tests');
mkdirSync(cacheDir, { recursive: true });
const outDir = mkdtempSync(join(cacheDir, 'run-'));
let exitCode = 1;
try {
  await build({
    entryPoints: files,
    outdir: outDir,
    outbase: repo,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [keepImportMetaUrl],
  });
  const bundles = files.map((f) => join(outDir, relative(repo, f)).replace(/\.ts$/, '.mjs'));
  const reporter = options.some((o) => o.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec'];
  const child = spawn(process.execPath, ['--enable-source-maps', '--test', `--test-concurrency=${CONCURRENCY}`, ...reporter, ...options, ...bundles], { stdio: 'inherit' });
  // ^C reaches the test runner itself (same process group); a SIGTERM for this process is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  exitCode = await new Promise<number>((done) => child.on('close', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0))));
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(exitCode);
