// The GAN losses (engine/ops/gan_loss.ts) on fixed outputs: every loss and role against its float64
// definition (harness/reference/gan.ts), the gradients against central differences of it (away from the
// hinge's kinks), the mean into a metric slot; bad operands refused naming them.
import { suite } from 'uvu';
import { InputError, KernelGraph } from '../engine/index.js';
import { addGanLoss, GAN_LOSSES } from '../engine/ops/gan_loss.js';
import { discriminatorLoss, generatorLoss } from '../harness/reference/gan.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { check, runAndRead } from './ops_util.js';

const test = suite('GAN losses (GPU)');

// Outputs from confident-wrong to confident-right, none at the hinge's kinks (-1, 1).
const REAL = Float32Array.of(-3.2, -0.7, 0.2, 1.6, 4.1, -12, 25);
const FAKE = Float32Array.of(2.9, 0.4, -0.3, -1.7, -4.4, 30, -9);
const rows = REAL.length;
const H = 1e-4;

/** d/dx of g at x by central differences. */
const slope = (g: (x: number) => number, x: number) => (g(x + H) - g(x - H)) / (2 * H);

for (const loss of GAN_LOSSES) {
  test(`${loss}: the discriminator's and the generator's losses, their gradients (scaled by 1 / rows) and the mean`, () =>
    withGpu(async (ctx) => {
      const scale = 1 / rows;
      const d = await runAndRead(ctx, async (graph, made) => {
        const [real, fake] = [await made.tensor('real', [rows], REAL), await made.tensor('fake', [rows], FAKE)];
        const [losses, gradReal, gradFake, mean] = [await made.tensor('losses', [rows]), await made.tensor('grad real', [rows]), await made.tensor('grad fake', [rows]), await made.tensor('mean', [1])];
        await made.op(addGanLoss(graph, ctx, { loss, role: 'discriminator', real, fake, losses, gradReal, gradFake, gradScale: scale, meanLoss: { out: mean } }));
        return { losses, gradReal, gradFake, mean };
      });
      const want = Array.from(REAL, (r, i) => discriminatorLoss(loss, r, FAKE[i]));
      check(`${loss} D losses`, d.losses, want, { atol: 1e-5, rtol: 1e-5 });
      check(`${loss} D mean`, d.mean, [want.reduce((a, b) => a + b, 0) / rows], { atol: 1e-5, rtol: 1e-5 });
      check(`${loss} D d/dr`, d.gradReal, Array.from(REAL, (r, i) => scale * slope((x) => discriminatorLoss(loss, x, FAKE[i]), r)), { atol: 1e-5, rtol: 1e-3 });
      check(`${loss} D d/df`, d.gradFake, Array.from(FAKE, (f, i) => scale * slope((x) => discriminatorLoss(loss, REAL[i], x), f)), { atol: 1e-5, rtol: 1e-3 });
      const g = await runAndRead(ctx, async (graph, made) => {
        const fake = await made.tensor('fake', [rows], FAKE);
        const [losses, gradFake] = [await made.tensor('losses', [rows]), await made.tensor('grad fake', [rows])];
        await made.op(addGanLoss(graph, ctx, { loss, role: 'generator', fake, losses, gradFake, gradScale: scale }));
        return { losses, gradFake };
      });
      check(`${loss} G losses`, g.losses, Array.from(FAKE, (f) => generatorLoss(loss, f)), { atol: 1e-5, rtol: 1e-5 });
      check(`${loss} G d/df`, g.gradFake, Array.from(FAKE, (f) => scale * slope((x) => generatorLoss(loss, x), f)), { atol: 1e-5, rtol: 1e-3 });
    }));
}

test('bad operands: an unknown loss, no real for the discriminator, real for the generator, a missing gradient, nothing to compute', () =>
  withGpu(async (ctx) => {
    const fake = await ctx.pool.tensor('fake', 'f32', [3]);
    const real = await ctx.pool.tensor('real', 'f32', [3]);
    const grad = await ctx.pool.tensor('grad', 'f32', [3]);
    const graph = new KernelGraph('gan loss errors');
    const bad = (o: Parameters<typeof addGanLoss>[2], message: string) => expectError(() => addGanLoss(graph, ctx, o), InputError, message);
    await bad({ loss: 'wasserstein' as never, role: 'generator', fake, gradFake: grad }, 'loss "wasserstein" is not one of');
    await bad({ loss: 'ns', role: 'discriminator', fake, gradFake: grad }, 'needs real');
    await bad({ loss: 'ns', role: 'generator', real, fake, gradFake: grad }, 'reads only fake');
    await bad({ loss: 'ls', role: 'discriminator', real, fake, gradFake: grad }, 'give the gradient of every output');
    await bad({ loss: 'hinge', role: 'generator', fake }, 'nothing to compute');
    await bad({ loss: 'ns', role: 'generator', fake, gradFake: fake }, 'operand gradFake must not be the same tensor as fake');
    for (const t of [fake, real, grad]) t.release();
  }));

test.run();
