// LDA's GPU sampler (models/lda.ts, shaders/lda.wgsl): its start and sweeps against the same scheme in
// float32 TypeScript (harness/reference/lda.ts ldaSweepParallel) token for token, the counts consistent
// with the assignments after every sweep; and the scheme's deviation from the exact serial sampler on
// the bars corpus, measured and bounded.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { barsCorpus, barsTopics, BARS_TOPICS } from '../harness/data/bars.js';
import { ldaCounts, ldaStart, ldaSweepParallel, ldaSweepSerial } from '../harness/reference/lda.js';
import { topicRecovery, topicWords } from '../models/topics.js';
import { LdaSampler } from '../models/lda.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';

const gpu = suite('LDA by collapsed Gibbs sampling on the GPU');

gpu('the start and 5 sweeps on 40 bars documents: the same topics as the float32 reference, token for token; counts consistent', () =>
  withGpu(async (ctx) => {
    const { corpus } = barsCorpus({ documents: 40, length: 30, seed: 2 });
    const [k, alpha, eta, seed] = [10, 0.5, 0.1, 4];
    const lda = await LdaSampler.create(ctx, corpus, { topics: k, alpha, eta, seed });
    try {
      const want = ldaStart(corpus, k, seed);
      const same = async (what: string) => {
        const got = await lda.read();
        const differ = got.z.reduce((n, z, i) => n + (z === want.z[i] ? 0 : 1), 0);
        // Bit for bit where division is IEEE (SwiftShader); WGSL allows 2.5 ulp, which may move a rare draw.
        assert.ok(differ <= Math.floor(1e-3 * got.z.length), `${what}: ${differ} of ${got.z.length} tokens differ`);
        const counts = ldaCounts(corpus, k, got.z);
        assert.equal([Array.from(got.ndk), Array.from(got.nwk), Array.from(got.nk)], [Array.from(counts.ndk), Array.from(counts.nwk), Array.from(counts.nk)], `${what}: counts of the assignments`);
        return differ;
      };
      assert.is(await same('the start'), 0);
      for (let s = 0; s < 5; s++) {
        ldaSweepParallel(corpus, want, alpha, eta, seed, s);
        await lda.sweep(1);
        await same(`sweep ${s}`);
      }
      assert.is(lda.sweeps, 5);
    } finally {
      lda.release();
    }
  }),
);

// Measured on SwiftShader (seed 6): mean L1 0.107 for the GPU scheme, 0.096 for the exact sampler.
gpu("the scheme against the exact serial sampler on 300 bars documents (200 sweeps): both recover the bars (Hungarian-matched L1 < 0.15 per topic) and lie within 0.05 of each other", () =>
  withGpu(async (ctx) => {
    const { corpus } = barsCorpus({ documents: 300, length: 100, seed: 5 });
    const [k, alpha, eta, seed, sweeps] = [10, 1, 0.1, 6, 200];
    const lda = await LdaSampler.create(ctx, corpus, { topics: k, alpha, eta, seed });
    try {
      await lda.sweep(sweeps);
      const got = await lda.read();
      const serial = ldaStart(corpus, k, seed);
      for (let s = 0; s < sweeps; s++) ldaSweepSerial(corpus, serial, alpha, eta, seed, s);
      const recovery = (nwk: Uint32Array, nk: Uint32Array) => topicRecovery(barsTopics(), topicWords(nwk, nk, 25, k, eta), BARS_TOPICS, k, 25).distance;
      const [parallel, exact] = [recovery(got.nwk, got.nk), recovery(serial.nwk, serial.nk)];
      assert.ok(parallel < 0.15 && exact < 0.15, `mean L1 to the bars: GPU scheme ${parallel}, serial ${exact}`);
      assert.ok(Math.abs(parallel - exact) < 0.05, `the schemes differ by ${Math.abs(parallel - exact)}`);
    } finally {
      lda.release();
    }
  }),
);

gpu('bad options refused before any device work', () =>
  withGpu(async (ctx) => {
    const { corpus } = barsCorpus({ documents: 2, length: 3, seed: 1 });
    await expectError(() => LdaSampler.create(ctx, corpus, { topics: 0, alpha: 1, eta: 1, seed: 1 }), InputError, 'topics = 0');
    await expectError(() => LdaSampler.create(ctx, corpus, { topics: 2, alpha: 0, eta: 1, seed: 1 }), InputError, 'alpha = 0');
    await expectError(() => LdaSampler.create(ctx, { ...corpus, words: Uint32Array.of(0, 1, 2, 3, 4, 99) }, { topics: 2, alpha: 1, eta: 1, seed: 1 }), InputError, 'token 5 is word 99');
  }),
);

gpu.run();
