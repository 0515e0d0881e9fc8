// The CLI as a user meets it: exit statuses, messages that name what is wrong, one JSON object.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const cli = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const bad = suite('CLI bad input: exit 2 and a message naming the problem');
const badCases: [string[], RegExp][] = [
  [['ising', '--size', '0', '--temperature', '2'], /size must be a positive integer, got 0/],
  [['ising', '--size', '12.5', '--temperature', '2'], /--size must be an integer, got '12.5'/],
  [['ising', '--size', 'abc', '--temperature', '2'], /--size must be a finite number, got 'abc'/],
  [['ising', '--size', '64', '--temperature', '0'], /temperature must be a positive number, got 0/],
  [['ising', '--size', '64', '--temperature=-1'], /temperature must be a positive number, got -1/],
  [['ising', '--size', '64', '--temperature', '2', '--sweeps', '0'], /--sweeps must be an integer >= 1, got '0'/],
  [['ising', '--size', '64', '--temperature', '2', '--adapter', 'gpu'], /--adapter must be one of auto, hardware, swiftshader; got 'gpu'/],
  [['ising', '--size', '64', '--temperature', '2', 'extra'], /Unexpected argument 'extra'|unexpected argument 'extra'/],
  [['ising', '--size', '96', '--temperature', '2', '--algorithm', 'multispin'], /size 96: .*multiple of 64/],
  [['ising', '--size', '64', '--temperature', '2', '--algorithm', 'wolff'], /--algorithm must be one of heatbath, metropolis, multispin; got 'wolff'/],
  [['ising', '--size', '64', '--temperature', '2', '--bogus'], /Unknown option '--bogus'/],
  [['ising', '--size', '64', '--temperature', '2', '--seed=-3'], /--seed must be an integer in \[0, 4294967295\], got '-3'/],
  [['ising', '--size', '46340', '--temperature', '2', '--sweeps', '1', '--burn-in', '0'], /ising.spins: .* exceeds the device's max/],
  [['ising', '--size', '65536', '--temperature', '2', '--algorithm', 'multispin'], /size 65536: .* at most 46340/],
  [['ising', '--size', '64', '--temperature', '2', '--resume'], /--resume needs --checkpoint FILE/],
  [['ising', '--size', '64', '--temperature', '2', '--png', '/tmp'], /--png \/tmp: is a directory/],
  [['ising', '--size', '64'], /--temperature is required/],
  [['nonsense'], /unknown command 'nonsense'/],
  [['bench', 'nothing'], /unknown benchmark 'nothing'; known: ising, gemm, mlp/],
  [['bench'], /name the benchmark: ising, gemm, mlp/],
  [['bench', 'gemm', '--sizes', '64,x'], /--sizes must be a finite number, got 'x'/],
  [['bench', 'ising', '--sizes', '100', '--backend', 'node'], /sizes must be multiples of 64/],
  [['serve', '--port', '70000'], /--port must be an integer in \[0, 65535\], got '70000'/],
];
for (const [args, message] of badCases) {
  bad(args.join(' '), () => {
    const r = cli(args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.is(r.stdout, '', 'nothing on stdout');
  });
}
bad.run();

const good = suite('CLI output (GPU)');
good('ising --json prints exactly one JSON object with the documented keys', () => {
  const r = cli(['ising', '--size', '16', '--temperature', '2.5', '--sweeps', '50', '--burn-in', '10', '--json']);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 1);
  const result = JSON.parse(lines[0]);
  for (const key of ['size', 'temperature', 'algorithm', 'sweeps', 'energy_per_site', 'energy_err', 'magnetization_abs', 'magnetization_abs_err', 'm2', 'm4', 'binder', 'flips_per_ns', 'adapter']) {
    assert.ok(key in result, `missing ${key}`);
  }
  assert.is(result.size, 16);
  assert.ok(result.energy_per_site < 0 && result.energy_per_site > -2);
});

good('no adapter: a clear error that says how to get one, exit 1', () => {
  const r = cli(['ising', '--size', '16', '--temperature', '2', '--sweeps', '1'], { VK_ICD_FILENAMES: '/nonexistent/icd.json' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /no WebGPU adapter found \(the drivers of VK_ICD_FILENAMES \/ VK_DRIVER_FILES\)\. Install .*apt-get install -y chromium libvulkan1/);
});

good('--adapter: swiftshader is a fallback in --json; hardware runs on a GPU or says there is none', () => {
  const args = ['ising', '--size', '16', '--temperature', '2', '--sweeps', '5', '--burn-in', '0', '--json'];
  const soft = cli([...args, '--adapter', 'swiftshader']);
  assert.is(soft.status, 0, soft.stderr);
  const adapter = JSON.parse(soft.stdout).adapter;
  assert.match(adapter.description, /SwiftShader/);
  assert.is(adapter.fallback, true);
  const hard = cli([...args, '--adapter', 'hardware']);
  if (hard.status === 0) assert.is(JSON.parse(hard.stdout).adapter.fallback, false);
  else {
    assert.is(hard.status, 1);
    assert.match(hard.stderr, /no hardware GPU adapter found; .*vendor's Vulkan driver/);
  }
  // The environment variable sets the default for library users and the CLI alike.
  const env = cli(args, { HARMONIUM_ADAPTER: 'swiftshader' });
  assert.is(JSON.parse(env.stdout).adapter.fallback, true);
  const bad = cli(args, { HARMONIUM_ADAPTER: 'gpu' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /HARMONIUM_ADAPTER must be one of auto, hardware, swiftshader; got 'gpu'/);
});
good.run();

const server = suite('static server (no GPU)');
server('a malformed percent-escape gets 400 and the server keeps serving', async () => {
  const { serveStatic } = await import('../harness/server/static.js');
  const { request } = await import('node:http');
  const s = await serveStatic('harness/backends');
  const get = (path: string) =>
    new Promise<number>((ok, fail) => {
      const req = request(`${s.url}${path}`, { method: 'GET' }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end();
    });
  try {
    assert.is(await get('/%E0%A4%A'), 400);
    assert.is(await get('/runner.html'), 200);
    assert.is(await get('/../package.json'), 404);
  } finally {
    await s.close();
  }
});
server.run();
