// Set-up that `npm test`, `npm start` and `npm run bench` do first, on a fresh Debian machine with Node 20:
// npm dependencies, then Chromium (for the chrome backend and SwiftShader's Vulkan driver) and the
// Vulkan loader (for Dawn in Node), installed with apt-get when missing and we are root.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const run = (cmd) => execSync(cmd, { stdio: ['ignore', 'inherit', 'inherit'] });
const log = (msg) => process.stderr.write(`setup: ${msg}\n`);

if (!existsSync('node_modules/.package-lock.json') || !existsSync('node_modules/webgpu') || !existsSync('node_modules/esbuild')) {
  log('installing npm dependencies (npm ci)');
  run('npm ci --no-audit --no-fund');
}

const CHROMIUM = '/usr/bin/chromium';
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const hasVulkanLoader = () => {
  try {
    return execSync('ldconfig -p', { encoding: 'utf8' }).includes('libvulkan.so.1');
  } catch {
    return false;
  }
};
const missing = [];
if (!existsSync(CHROMIUM) || !existsSync(SWIFTSHADER)) missing.push('chromium');
if (!hasVulkanLoader()) missing.push('libvulkan1');
if (missing.length) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    // Without recommends: headless WebGPU needs Chromium (with its SwiftShader) and the Vulkan loader only;
    // the recommends (printing, avahi, udev, Mesa's Vulkan drivers, ...) are 91 more packages (README).
    log(`installing ${missing.join(' ')} with apt-get (no recommends)`);
    const start = Date.now();
    run('apt-get update -qq');
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`);
    log(`installed in ${((Date.now() - start) / 1000).toFixed(0)} s`);
  } else {
    log(`missing ${missing.join(' ')}: WebGPU needs them here. Install with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(2);
  }
}
