/**
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepack`), the tarball
 * unpacked into an empty project's node_modules as `npm install` places it, and then, with plain
 * `node` and no loader flags:
 * - the API: `import { startSimulator, waitForGateway, ControlClient } from 'ibkr-harness'`;
 * - the bin: `ibkr-harness --version`, and `ibkr-harness wait` against that simulator;
 * - the types: a TypeScript file using the API (and the testcontainers module) type-checks, and a
 *   wrong call is an error;
 * - the vitest globalSetup: a user's suite with `globalSetup: ['ibkr-harness/vitest']`.
 * No registry is reachable here, so the package's dependencies are linked from this checkout's
 * node_modules instead of downloaded; everything else is the tarball's own content.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = realpathSync(path.join(ROOT, 'node_modules'));
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
let app: string;
let files: string[];

/** Run `command args` in the app project; rejects with its output on a non-zero exit. */
async function inApp(command: string, args: string[], timeout = 90_000): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd: app, timeout, env: { ...process.env, IBKR_SIM_PROFILE: 'instant' } });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ibkr-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, timeout: 240_000, maxBuffer: 64 << 20 });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path);
  app = path.join(dir, 'app');
  const modules = path.join(app, 'node_modules');
  mkdirSync(modules, { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  await run('tar', ['-xzf', path.join(dir, packed.filename), '-C', modules]);
  const pkg = path.join(modules, 'ibkr-harness');
  renameSync(path.join(modules, 'package'), pkg);
  // What `npm install` would add: the dependencies, the user's own dev tools, the bin link.
  symlinkSync(MODULES, path.join(pkg, 'node_modules'), 'dir');
  for (const tool of ['vitest', 'typescript', '@types', 'testcontainers']) symlinkSync(path.join(MODULES, tool), path.join(modules, tool), 'dir');
  mkdirSync(path.join(modules, '.bin'));
  chmodSync(path.join(pkg, 'bin/ibkr-harness.mjs'), 0o755);
  symlinkSync('../ibkr-harness/bin/ibkr-harness.mjs', path.join(modules, '.bin/ibkr-harness'));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each step starts node (and tsc or vitest) afresh: slow on a loaded 2-core host.
describe('the packed tarball in an empty project', { timeout: 120_000 }, () => {
  it('ships the compiled API, the data it reads and the licence; no tests, no test helpers', () => {
    const shipped = [
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/runners/vitest.js',
      'dist/containers/testcontainers.js',
      'dist/simulator/data/contracts.json',
    ];
    for (const f of [...shipped, 'bin/ibkr-harness.mjs', 'containers/Dockerfile', 'containers/healthcheck.mjs']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /\.test\.ts$|\/testing\//.test(f))).toEqual([]);
  });

  it('plain node imports the API: a simulator starts, the wait probe finds it ready, the control client reaches it', async () => {
    writeFileSync(
      path.join(app, 'use-api.mjs'),
      `import { startSimulator, waitForGateway, ControlClient, packageVersion } from 'ibkr-harness';
const sim = await startSimulator({ port: 0, controlPort: 0, profile: 'instant' });
try {
  const ready = await waitForGateway({ port: sim.port, timeoutMs: 20000 });
  const health = await new ControlClient('http://127.0.0.1:' + sim.controlPort).health();
  console.log(JSON.stringify({ version: packageVersion(), ready: ready.ready, accounts: ready.accounts, profile: health.profile }));
} finally {
  await sim.close();
}`,
    );
    const out = JSON.parse(await inApp(process.execPath, ['use-api.mjs']));
    expect(out).toEqual({ version: VERSION, ready: true, accounts: ['DU0118471'], profile: 'instant' });
  });

  it('the installed bin prints its version and waits for a simulator started through the API', async () => {
    expect((await inApp('node_modules/.bin/ibkr-harness', ['--version'])).trim()).toBe(VERSION);
    writeFileSync(
      path.join(app, 'bin-waits.mjs'),
      `import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSimulator } from 'ibkr-harness';
const sim = await startSimulator({ port: 0, profile: 'instant' });
try {
  const { stdout } = await promisify(execFile)('node_modules/.bin/ibkr-harness', ['wait', '--port', String(sim.port), '--timeout', '30']);
  process.stdout.write(stdout);
} finally {
  await sim.close();
}`,
    );
    expect(await inApp(process.execPath, ['bin-waits.mjs'])).toMatch(/^ready: 127\.0\.0\.1:\d+ \(server version 178, 1 managed account\)/);
  });

  it('TypeScript sees the types: a correct use checks, a wrong option is an error', async () => {
    writeFileSync(
      path.join(app, 'use-types.ts'),
      `import { startSimulator, ControlClient, CHECK_IDS, type FaultSpec, type Simulator, type Verdict } from 'ibkr-harness';
import { simulatorGlobalSetup } from 'ibkr-harness/vitest';
import { IbkrSimulatorContainer, type StartedIbkrSimulatorContainer } from 'ibkr-harness/testcontainers';
export async function demo(): Promise<number> {
  const sim: Simulator = await startSimulator({ port: 0, profile: 'ibkr-paper', seed: 7 });
  const fault: FaultSpec = { kind: 'delay', ms: 500, match: { message: 'REQ_CONTRACT_DATA' } };
  await new ControlClient('http://127.0.0.1:4010').apply(fault);
  const verdict: Verdict = await new ControlClient('http://127.0.0.1:4010').verdict({ failOn: [CHECK_IDS[0]] });
  const passed: boolean = verdict.pass;
  void passed;
  // @ts-expect-error the port is a number
  await startSimulator({ port: '4002' });
  simulatorGlobalSetup({ seed: 1 });
  const container: Promise<StartedIbkrSimulatorContainer> = new IbkrSimulatorContainer().withProfile('instant').withSeed(7).start();
  void container;
  return sim.port;
}
`,
    );
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
        files: ['use-types.ts'],
      }),
    );
    await inApp(process.execPath, [path.join(MODULES, 'typescript/bin/tsc'), '-p', 'tsconfig.json']);
  });

  it("a user's vitest suite gets a simulator from globalSetup: ['ibkr-harness/vitest']", async () => {
    writeFileSync(path.join(app, 'vitest.config.mjs'), `export default { test: { globalSetup: ['ibkr-harness/vitest'], include: ['*.spec.mjs'] } };`);
    writeFileSync(
      path.join(app, 'gateway.spec.mjs'),
      `import { expect, inject, it } from 'vitest';
import { waitForGateway } from 'ibkr-harness';
it('reaches the suite simulator', async () => {
  expect(inject('ibkr').IBKR_PORT).toBe(process.env.IBKR_PORT);
  const ready = await waitForGateway({ host: process.env.IBKR_HOST, port: Number(process.env.IBKR_PORT), timeoutMs: 20000 });
  expect(ready.ready).toBe(true);
  const health = await (await fetch(process.env.IBKR_CONTROL_URL + '/health')).json();
  expect(health.profile).toBe('instant');
});`,
    );
    const out = await inApp(process.execPath, [path.join(MODULES, 'vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs']);
    expect(out).toMatch(/1 passed/);
  });
});
