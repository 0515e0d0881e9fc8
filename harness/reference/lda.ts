// Latent Dirichlet allocation by the exact serial collapsed Gibbs sampler (Griffiths & Steyvers 2004),
// in plain TypeScript: token after token, each topic assignment drawn from
//   p(z_i = k | z_-i, w) ∝ (n_dk + alpha) (n_wk + eta) / (n_k + V eta)
// with the token's own assignment removed from the counts: the reference the GPU sampler is measured
// against; and the GPU's own scheme (ldaSweepParallel) in float32, token for token. Draws: Philox
// (seed, ldaGibbs): the start at step 0, sweep s at step 1 + s, element = the token's index in the
// corpus. Browser-safe.
import { mulhi, rngBits, uniform24 } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';
import type { Corpus } from '../data/corpus.js';

export interface LdaCounts {
  topics: number;
  /** Each token's topic. */
  z: Uint32Array;
  /** D x K: tokens of document d in topic k. */
  ndk: Uint32Array;
  /** V x K: tokens of word w in topic k. */
  nwk: Uint32Array;
  /** K: tokens in topic k. */
  nk: Uint32Array;
}

/** The document of every token. */
export function tokenDocuments(c: Corpus): Uint32Array {
  const doc = new Uint32Array(c.words.length);
  for (let d = 0; d + 1 < c.offsets.length; d++) doc.fill(d, c.offsets[d], c.offsets[d + 1]);
  return doc;
}

/** The counts of given assignments. */
export function ldaCounts(c: Corpus, topics: number, z: Uint32Array): LdaCounts {
  const documents = c.offsets.length - 1;
  const [ndk, nwk, nk] = [new Uint32Array(documents * topics), new Uint32Array(c.vocabulary.length * topics), new Uint32Array(topics)];
  const doc = tokenDocuments(c);
  z.forEach((k, i) => {
    ndk[doc[i] * topics + k]++;
    nwk[c.words[i] * topics + k]++;
    nk[k]++;
  });
  return { topics, z, ndk, nwk, nk };
}

/** Every token's topic uniform at random (step 0 of the stream: mulhi(its random word, K)), and the counts. */
export function ldaStart(c: Corpus, topics: number, seed: number): LdaCounts {
  const z = Uint32Array.from(c.words, (_, i) => mulhi(rngBits(seed, RNG_PURPOSES.ldaGibbs, 0, i, 0)[0], topics));
  return ldaCounts(c, topics, z);
}

/**
 * One sweep of the GPU's scheme (shaders/lda.wgsl), in float32 as the GPU computes it: each document's
 * tokens in order against its exact counts and the word counts of the sweep's start (the token's own
 * assignment taken out), the word counts recounted at the end (in place).
 */
export function ldaSweepParallel(c: Corpus, s: LdaCounts, alpha: number, eta: number, seed: number, sweep: number): void {
  const f = Math.fround;
  const { topics: k, z, ndk } = s;
  const [a, e] = [f(alpha), f(eta)];
  const vEta = f(c.vocabulary.length * e);
  const [nwk, nk] = [Uint32Array.from(s.nwk), Uint32Array.from(s.nk)];
  const documents = c.offsets.length - 1;
  for (let d = 0; d < documents; d++) {
    for (let i = c.offsets[d]; i < c.offsets[d + 1]; i++) {
      const w = c.words[i];
      const own = z[i];
      ndk[d * k + own]--;
      const weight = (t: number) => {
        const mine = t === own ? 1 : 0;
        return f(f(f(ndk[d * k + t] + a) * f(nwk[w * k + t] - mine + e)) / f(nk[t] - mine + vEta));
      };
      let total = 0;
      for (let t = 0; t < k; t++) total = f(total + weight(t));
      const u = f(uniform24(rngBits(seed, RNG_PURPOSES.ldaGibbs, 1 + sweep, i, 0)[0]) * total);
      let [next, running] = [k - 1, 0];
      for (let t = 0; t < k; t++) {
        running = f(running + weight(t));
        if (u < running) {
          next = t;
          break;
        }
      }
      z[i] = next;
      ndk[d * k + next]++;
    }
  }
  const recount = ldaCounts(c, k, z);
  s.nwk.set(recount.nwk);
  s.nk.set(recount.nk);
}

/** One sweep of the exact serial sampler over every token in order (in place). */
export function ldaSweepSerial(c: Corpus, s: LdaCounts, alpha: number, eta: number, seed: number, sweep: number): void {
  const { topics: k, z, ndk, nwk, nk } = s;
  const v = c.vocabulary.length;
  const p = new Float64Array(k);
  const documents = c.offsets.length - 1;
  for (let d = 0; d < documents; d++) {
    for (let i = c.offsets[d]; i < c.offsets[d + 1]; i++) {
      const w = c.words[i];
      const old = z[i];
      ndk[d * k + old]--;
      nwk[w * k + old]--;
      nk[old]--;
      let total = 0;
      for (let t = 0; t < k; t++) {
        total += ((ndk[d * k + t] + alpha) * (nwk[w * k + t] + eta)) / (nk[t] + v * eta);
        p[t] = total;
      }
      const u = uniform24(rngBits(seed, RNG_PURPOSES.ldaGibbs, 1 + sweep, i, 0)[0]) * total;
      let next = k - 1;
      for (let t = 0; t < k; t++) {
        if (u < p[t]) {
          next = t;
          break;
        }
      }
      z[i] = next;
      ndk[d * k + next]++;
      nwk[w * k + next]++;
      nk[next]++;
    }
  }
}

const lgamma = (x: number): number => {
  // Lanczos (g = 7, n = 9): 15 digits for x > 0.
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  x -= 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
};
export { lgamma };

/**
 * log p(w, z) with theta and phi integrated out (the collapsed joint whose conditional the sampler
 * draws from): sum_d [lnG(K alpha) - lnG(N_d + K alpha) + sum_k lnG(n_dk + alpha) - K lnG(alpha)] +
 * sum_k [lnG(V eta) - lnG(n_k + V eta) + sum_w lnG(n_wk + eta) - V lnG(eta)].
 */
export function ldaLogJoint(c: Corpus, s: LdaCounts, alpha: number, eta: number): number {
  const k = s.topics;
  const v = c.vocabulary.length;
  const documents = c.offsets.length - 1;
  let total = 0;
  for (let d = 0; d < documents; d++) {
    total += lgamma(k * alpha) - lgamma(c.offsets[d + 1] - c.offsets[d] + k * alpha) - k * lgamma(alpha);
    for (let t = 0; t < k; t++) total += lgamma(s.ndk[d * k + t] + alpha);
  }
  for (let t = 0; t < k; t++) {
    total += lgamma(v * eta) - lgamma(s.nk[t] + v * eta) - v * lgamma(eta);
    for (let w = 0; w < v; w++) total += lgamma(s.nwk[w * k + t] + eta);
  }
  return total;
}
