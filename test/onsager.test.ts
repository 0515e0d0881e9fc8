import { test } from 'uvu';
import * as assert from 'uvu/assert';
import exact from './data/ising-exact.json';
import { onsagerEnergy, yangMagnetization, TC, ellipticK } from '../harness/ising/onsager.js';

test('Onsager energy and Yang magnetization reproduce the tabulated exact values (1e-8)', () => {
  assert.ok(Math.abs(TC - exact.Tc) < 1e-12);
  for (const v of exact.values) {
    assert.ok(Math.abs(onsagerEnergy(v.T) - v.energy_per_site) < 1e-8, `u(${v.T}) = ${onsagerEnergy(v.T)}`);
    assert.ok(Math.abs(yangMagnetization(v.T) - v.magnetization) < 1e-8, `M(${v.T}) = ${yangMagnetization(v.T)}`);
  }
  // u(Tc) = -sqrt 2; K(0) = pi/2.
  assert.ok(Math.abs(onsagerEnergy(TC) + Math.SQRT2) < 1e-6);
  assert.ok(Math.abs(ellipticK(0) - Math.PI / 2) < 1e-15);
});
test.run();
