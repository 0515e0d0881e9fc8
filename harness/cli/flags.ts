// Parameters that many commands share, declared once (harness/cli/schema.ts).
import { ADAPTER_PREFERENCES } from '../../engine/adapter.js';
import { BACKENDS } from '../backends/context.js';
import { SEED } from '../../models/options.js';
import { optionFlag } from './options.js';
import { boolean, choice } from './schema.js';

export const backend = choice(BACKENDS, { default: 'node', help: 'node (Dawn in this process) or chrome (headless Chromium, the same job in a page)' });

export const adapter = choice(ADAPTER_PREFERENCES, {
  defaultText: 'auto, or $HARMONIUM_ADAPTER',
  help: 'auto: a hardware GPU when the drivers offer one, else SwiftShader (results say `fallback: true`); hardware: fail without a GPU; swiftshader: the CPU emulator',
});

export const json = boolean({ help: 'print exactly one JSON object on stdout' });

export const seed = optionFlag(SEED, { value: 'S', help: 'Philox seed', parseBounds: true });
