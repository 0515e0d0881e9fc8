// Adapter choice is a pure function over what the drivers offered: tested here without a GPU.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseAdapter, needsSwiftShader, parseAdapterPreference, type AdapterCandidate, type AdapterDecision } from '../engine/adapter.js';
import { InputError } from '../engine/errors.js';

const nvidia: AdapterCandidate = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3', isFallback: false };
const swiftshader: AdapterCandidate = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallback: true };
const lavapipe: AdapterCandidate = { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)', isFallback: true };

const used = (d: AdapterDecision) => ('error' in d ? `error: ${d.error}` : `${d.use}:${d.adapter.description}:${d.fallback ? 'fallback' : 'hardware'}`);

const choice = suite('adapter choice (no GPU)');

choice('auto prefers a hardware GPU and never asks for SwiftShader then', () => {
  const search = { system: nvidia, userDrivers: false };
  assert.is(needsSwiftShader('auto', search), false);
  assert.is(used(chooseAdapter('auto', { ...search, swiftshader })), 'system:NVIDIA H100 80GB HBM3:hardware');
});

choice('auto falls back to SwiftShader when the system offers no adapter or only a CPU one', () => {
  assert.is(needsSwiftShader('auto', { system: null, userDrivers: false }), true);
  assert.is(needsSwiftShader('auto', { system: lavapipe, userDrivers: false }), true);
  assert.is(used(chooseAdapter('auto', { system: null, swiftshader, userDrivers: false })), 'swiftshader:SwiftShader driver 5.0.0:fallback');
  assert.is(used(chooseAdapter('auto', { system: lavapipe, swiftshader, userDrivers: false })), 'swiftshader:SwiftShader driver 5.0.0:fallback');
  // Without SwiftShader installed, a CPU adapter of the system is still better than none.
  assert.is(used(chooseAdapter('auto', { system: lavapipe, swiftshader: null, userDrivers: false })), 'system:llvmpipe (LLVM 15.0.6, 256 bits):fallback');
  assert.match(used(chooseAdapter('auto', { system: null, swiftshader: null, userDrivers: false })), /^error: no WebGPU adapter found$/);
});

choice('hardware never falls back', () => {
  assert.is(used(chooseAdapter('hardware', { system: nvidia, userDrivers: false })), 'system:NVIDIA H100 80GB HBM3:hardware');
  assert.is(needsSwiftShader('hardware', { system: null, userDrivers: false }), false);
  assert.match(used(chooseAdapter('hardware', { system: lavapipe, userDrivers: false })), /error: no hardware GPU adapter found; the drivers offered 'llvmpipe/);
  assert.match(used(chooseAdapter('hardware', { system: null, userDrivers: false })), /offered none\. Use --adapter auto/);
});

choice('swiftshader is used when asked, even beside a GPU', () => {
  assert.is(needsSwiftShader('swiftshader', { system: nvidia, userDrivers: false }), true);
  assert.is(used(chooseAdapter('swiftshader', { system: nvidia, swiftshader, userDrivers: false })), 'swiftshader:SwiftShader driver 5.0.0:fallback');
  assert.match(used(chooseAdapter('swiftshader', { system: nvidia, swiftshader: null, userDrivers: false })), /error: SwiftShader was asked for but not found/);
});

choice("the user's VK_ICD_FILENAMES is used as it is: nothing added, the choice only checked", () => {
  for (const preference of ['auto', 'hardware', 'swiftshader'] as const) {
    assert.is(needsSwiftShader(preference, { system: null, userDrivers: true }), false, preference);
  }
  assert.is(used(chooseAdapter('auto', { system: swiftshader, userDrivers: true })), 'system:SwiftShader driver 5.0.0:fallback');
  assert.is(used(chooseAdapter('swiftshader', { system: swiftshader, userDrivers: true })), 'system:SwiftShader driver 5.0.0:fallback');
  assert.match(used(chooseAdapter('hardware', { system: swiftshader, userDrivers: true })), /no hardware GPU adapter found \(the drivers of VK_ICD_FILENAMES/);
  assert.match(used(chooseAdapter('auto', { system: null, userDrivers: true })), /no WebGPU adapter found \(the drivers of VK_ICD_FILENAMES/);
});

choice('HARMONIUM_ADAPTER and --adapter values are checked', () => {
  assert.is(parseAdapterPreference('hardware', 'HARMONIUM_ADAPTER'), 'hardware');
  assert.throws(() => parseAdapterPreference('gpu', 'HARMONIUM_ADAPTER'), (e: Error) => e instanceof InputError && /HARMONIUM_ADAPTER must be one of auto, hardware, swiftshader; got 'gpu'/.test(e.message));
});

choice.run();
