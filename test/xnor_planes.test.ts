// The XNOR bit planes (engine/ops/xnor_planes.ts) against their TypeScript reference: integer
// matrices coded as planes of +-1 bits and back, and products through the planes, exact.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addEncodePlanes, addPackBits, addXnorPlanesGemm, planeCode } from '../engine/ops/index.js';
import { decodePlanes, encodePlanes, integerProduct } from '../harness/reference/xnor_planes.js';
import { withGpu } from './gpu.js';
import { keep, runAndRead } from './ops_util.js';
import { hebbian, pm1 } from './random.js';

// ---------------------------------------------------------------------------------------------
const host = suite('bit planes (no GPU)');

host('planes code every integer of the parity and range: decode(encode(v)) = v', () => {
  for (const [max, parity] of [[7, 'odd'], [6, 'even'], [1, 'odd'], [0, 'even'], [9, 'odd']] as const) {
    const code = planeCode(max, parity);
    const values = Array.from({ length: 2 * max + 1 }, (_, i) => i - max).filter((v) => Math.abs(v % 2) === (parity === 'odd' ? 1 : 0));
    const got = decodePlanes(encodePlanes(values, 1, values.length, code), 1, values.length, code);
    assert.equal([...got], values, `${parity} up to ${max}`);
  }
  // 5 = 4 + 2 - 1 takes 3 planes; an even 4 takes 3 planes for 5 and the constant plane.
  assert.equal(planeCode(5, 'odd'), { bits: 3, planes: 3 });
  assert.equal(planeCode(4, 'even'), { bits: 3, planes: 4 });
});
host.run();

// ---------------------------------------------------------------------------------------------
const planes = suite('xnor planes: encode and product, exact (GPU)');

planes('GPU planes equal the reference, and A B^T through them equals the integer product', () =>
  withGpu(async (ctx) => {
    for (const [m, n, p] of [[5, 40, 3], [7, 33, 4], [3, 64, 1]]) {
      const b = hebbian(n, p, 10 + n);
      const code = planeCode(p, p % 2 ? 'odd' : 'even');
      const a = pm1(m * n, 20 + n);
      const out = await runAndRead(ctx, async (graph, made) => {
        const bT = await made.tensor('B', [n, n], b);
        const planesT = await made.tensor('planes', [code.planes * n, n], undefined, 'bits');
        const aT = await made.tensor('A', [m, n], a);
        const aBits = await made.tensor('A bits', [m, n], undefined, 'bits');
        const products = await made.tensor('products', [m, code.planes * n], undefined, 'i32');
        const c = await made.tensor('C', [m, n]);
        await keep(made, addEncodePlanes(graph, ctx, { input: bT, output: planesT, rows: n, cols: n, code }));
        await keep(made, addPackBits(graph, ctx, { input: aT, output: aBits, rows: m, cols: n }));
        await made.op(addXnorPlanesGemm(graph, ctx, { a: aBits, planes: planesT, code, products, c, m, n, k: n }));
        return { planes: planesT, c };
      });
      assert.equal([...new Uint32Array(out.planes.buffer)], [...encodePlanes(b, n, n, code)], `planes m=${m} n=${n} p=${p}`);
      assert.equal([...out.c], [...integerProduct(a, b, m, n, n)], `product m=${m} n=${n} p=${p}`);
    }
  }),
);
planes.run();
