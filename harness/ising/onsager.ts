// Exact infinite-lattice results for the square-lattice Ising model with J = 1, h = 0 (k_B = 1):
// Onsager's energy per site and Yang's spontaneous magnetization. Used by tests and the report.

import { ISING_TC } from '../../models/ising.js';

/** The critical temperature, 2 / ln(1 + sqrt 2) (models/ising.ts). */
export const TC = ISING_TC;

/** Complete elliptic integral of the first kind K(k), modulus k in [0, 1), by the arithmetic-geometric mean. */
export function ellipticK(k: number): number {
  let a = 1;
  let b = Math.sqrt(1 - k * k);
  for (let i = 0; i < 40 && Math.abs(a - b) > 1e-16 * a; i++) [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
  return Math.PI / (2 * a);
}

/** u(T) = -coth(2b) [1 + (2/pi)(2 tanh^2(2b) - 1) K(k)], k = 2 sinh(2b) / cosh^2(2b), b = 1/T. */
export function onsagerEnergy(temperature: number): number {
  const b2 = 2 / temperature;
  const k = Math.min((2 * Math.sinh(b2)) / Math.cosh(b2) ** 2, 1 - 1e-15); // k = 1 exactly at Tc, where the K term's factor is 0
  return -(1 / Math.tanh(b2)) * (1 + (2 / Math.PI) * (2 * Math.tanh(b2) ** 2 - 1) * ellipticK(k));
}

/** M(T) = (1 - sinh(2b)^-4)^(1/8) below Tc, 0 above. */
export function yangMagnetization(temperature: number): number {
  if (temperature >= TC) return 0;
  return (1 - Math.sinh(2 / temperature) ** -4) ** (1 / 8);
}
