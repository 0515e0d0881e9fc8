// The GAN losses (engine/ops/gan_loss.ts) in float64: each row's loss of the discriminator's outputs
// r (on a real example) and f (on a generated one), for tests and their central differences.
import type { GanLoss } from '../../engine/ops/gan_loss.js';

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** The discriminator's loss of one row. */
export function discriminatorLoss(loss: GanLoss, r: number, f: number): number {
  switch (loss) {
    case 'minimax':
    case 'ns':
      return softplus(-r) + softplus(f);
    case 'ls':
      return 0.5 * (r - 1) ** 2 + 0.5 * f ** 2;
    case 'wgan':
      return f - r;
    case 'hinge':
      return Math.max(0, 1 - r) + Math.max(0, 1 + f);
  }
}

/** The generator's loss of one row. */
export function generatorLoss(loss: GanLoss, f: number): number {
  switch (loss) {
    case 'minimax':
      return -softplus(f);
    case 'ns':
      return softplus(-f);
    case 'ls':
      return 0.5 * (f - 1) ** 2;
    case 'wgan':
    case 'hinge':
      return -f;
  }
}
