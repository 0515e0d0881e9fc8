// pLSA by EM on the GPU (models/plsa.ts, shaders/plsa.wgsl): a step against the same step in float64
// (harness/reference/plsa.ts) from the same start, and the log-likelihood never falling over 15 steps;
// the bag of words of token lists.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { barsCorpus } from '../harness/data/bars.js';
import { plsaStepReference } from '../harness/reference/plsa.js';
import { bagOfWords, PlsaEm, plsaStart } from '../models/plsa.js';
import { withGpu } from './gpu.js';

const host = suite('pLSA on the host');

host('bagOfWords: each document\'s words ascending with their counts', () => {
  const b = bagOfWords({ offsets: Uint32Array.of(0, 4, 5), words: Uint32Array.of(3, 1, 3, 3, 0) }, 4);
  assert.equal([Array.from(b.doc), Array.from(b.word), Array.from(b.count)], [[0, 0, 1], [1, 3, 0], [1, 3, 1]]);
});

const gpu = suite('pLSA on the GPU');

gpu('an EM step on 60 bars documents equals float64 EM from the same start; 15 steps never lower the log-likelihood', () =>
  withGpu(async (ctx) => {
    const { corpus } = barsCorpus({ documents: 60, length: 50, seed: 4 });
    const bag = bagOfWords(corpus, 25);
    const k = 10;
    const start = plsaStart(bag, k, 3);
    const em = await PlsaEm.create(ctx, bag, k, start);
    try {
      const want = plsaStepReference(bag, k, start.theta, start.beta);
      const ll = await em.step();
      assert.ok(Math.abs(ll - want.logLikelihood) < 1e-5 * Math.abs(want.logLikelihood), `log-likelihood ${ll} vs ${want.logLikelihood}`);
      const got = await em.read();
      got.theta.forEach((v, i) => assert.ok(Math.abs(v - want.theta[i]) < 1e-5, `theta ${i}: ${v} vs ${want.theta[i]}`));
      got.beta.forEach((v, i) => assert.ok(Math.abs(v - want.beta[i]) < 1e-5, `beta ${i}: ${v} vs ${want.beta[i]}`));
      const lls = [ll];
      for (let s = 0; s < 14; s++) lls.push(await em.step());
      lls.forEach((x, i) => i === 0 || assert.ok(x >= lls[i - 1] - 1e-6 * Math.abs(x), `step ${i}: ${x} after ${lls[i - 1]}`));
      assert.ok(lls[14] > lls[0], 'EM climbs');
    } finally {
      em.release();
    }
  }),
);

host.run();
gpu.run();
