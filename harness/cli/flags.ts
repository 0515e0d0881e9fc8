// Parameters that many commands share, declared once (harness/cli/schema.ts).
import { ADAPTER_PREFERENCES } from '../../engine/adapter.js';
import { BACKENDS } from '../backends/context.js';
import { boolean, choice, integer } from './schema.js';

export const backend = choice(BACKENDS, { default: 'node', help: 'node (Dawn in this process) or chrome (headless Chromium, the same job in a page)' });

export const adapter = choice(ADAPTER_PREFERENCES, {
  defaultText: 'auto, or $HARMONIUM_ADAPTER',
  help: 'auto: a hardware GPU when the drivers offer one, else SwiftShader (results say `fallback: true`); hardware: fail without a GPU; swiftshader: the CPU emulator',
});

export const json = boolean({ help: 'print exactly one JSON object on stdout' });

export const seed = integer({ value: 'S', min: 0, max: 0xffffffff, default: 1, help: 'Philox seed, an integer in [0, 2^32)' });
