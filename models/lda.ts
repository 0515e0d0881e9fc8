// Latent Dirichlet allocation (Blei, Ng & Jordan 2003) by collapsed Gibbs sampling on the GPU
// (Griffiths & Steyvers 2004): a corpus's tokens, their topics and the three count tables held on the
// device, sweeps run as one kernel graph (shaders/lda.wgsl): every document's tokens drawn in order by
// one invocation against its exact document counts and the word counts of the sweep's start (Newman et
// al.'s approximate distributed scheme with a processor per document), then the word counts recounted
// with integer atomics. Same seed, same topics, on any workgroup size, in Node and in a page.
// Reference: harness/reference/lda.ts (the exact serial sampler, and this scheme in float32).
import { InputError, KernelGraph, linearGrid, type RunContext, type Tensor } from '../engine/index.js';
import { cachedKernel } from '../engine/kernel.js';
import { library } from '../engine/library.js';
import { symmetricDirichletFixedPoint } from './dirichlet.js';
import { building, Owned, type Releasable } from './owned.js';

/** A corpus as the sampler takes it: document d's tokens are words[offsets[d] .. offsets[d + 1]). */
export interface LdaCorpus {
  vocabulary: readonly string[];
  offsets: Uint32Array;
  words: Uint32Array;
}

export interface LdaOptions {
  topics: number;
  /** The documents' Dirichlet prior (symmetric). */
  alpha: number;
  /** The topics' Dirichlet prior over words (symmetric). */
  eta: number;
  seed: number;
}

/** The counts on the host: each token's topic, documents x topics, words x topics, topics. */
export interface LdaState {
  z: Uint32Array;
  ndk: Uint32Array;
  nwk: Uint32Array;
  nk: Uint32Array;
}

const WG = 64;
const FILE = 'lda.wgsl';
const kernel = (entry: string) => cachedKernel(library, { name: `lda.${entry}`, file: FILE, entry, overrides: { WG } });

/** An InputError unless the corpus and the options make a sampler. */
export function validateLda(c: LdaCorpus, o: LdaOptions): void {
  const documents = c.offsets.length - 1;
  const v = c.vocabulary.length;
  if (documents < 1) throw new InputError('lda: the corpus has no documents');
  if (c.offsets[0] !== 0 || c.offsets[documents] !== c.words.length || c.offsets.some((x, d) => d > 0 && x < c.offsets[d - 1])) throw new InputError('lda: the corpus offsets do not cut its tokens into documents');
  const bad = c.words.findIndex((w) => w >= v);
  if (bad >= 0) throw new InputError(`lda: token ${bad} is word ${c.words[bad]}, past the vocabulary's ${v} words`);
  if (!(Number.isInteger(o.topics) && o.topics >= 1)) throw new InputError(`lda: topics = ${o.topics} must be a positive integer`);
  if (!(o.alpha > 0 && Number.isFinite(o.alpha))) throw new InputError(`lda: alpha = ${o.alpha} must be a finite number > 0`);
  if (!(o.eta > 0 && Number.isFinite(o.eta))) throw new InputError(`lda: eta = ${o.eta} must be a finite number > 0`);
  // Counts are u32 and enter the weights as f32: exact below 2^24.
  if (c.words.length >= 2 ** 24) throw new InputError(`lda: ${c.words.length} tokens; the counts are exact in float32 below 2^24`);
}

/**
 * Estimates of the symmetric priors from a state's counts (Minka's fixed point, models/dirichlet.ts,
 * from the current values): alpha from the documents' topic counts, eta from the topics' word counts.
 */
export function estimateLdaPriors(s: LdaState, topics: number, vocabulary: number, current: { alpha: number; eta: number }): { alpha: number; eta: number } {
  const documents = s.ndk.length / topics;
  // nwk is words x topics: each topic's row of word counts for the estimate of eta.
  const wordsByTopic = Float64Array.from({ length: topics * vocabulary }, (_, i) => s.nwk[(i % vocabulary) * topics + Math.floor(i / vocabulary)]);
  return { alpha: symmetricDirichletFixedPoint(s.ndk, documents, topics, current.alpha), eta: symmetricDirichletFixedPoint(wordsByTopic, topics, vocabulary, current.eta) };
}

/**
 * A corpus on the GPU and its topic assignments.
 *
 *   const lda = await LdaSampler.create(ctx, corpus, { topics: 10, alpha: 0.1, eta: 0.01, seed: 1 });
 *   await lda.sweep(200);
 *   const { nwk } = await lda.read();
 *   lda.release();
 */
export class LdaSampler implements Releasable {
  private done = 0;

  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly graph: KernelGraph,
    private readonly t: Record<'z' | 'ndk' | 'nwk' | 'nk', Tensor>,
    private readonly params: { tensor: Tensor; fields: Record<string, number> },
    private current: LdaOptions,
  ) {}

  /** The options, with the priors now in use (setPriors changes them). */
  get options(): LdaOptions {
    return { ...this.current };
  }

  /** New priors for the sweeps to come (an estimate of them: models/dirichlet.ts). */
  async setPriors(alpha: number, eta: number): Promise<void> {
    const next = { ...this.current, alpha, eta };
    if (!(alpha > 0 && Number.isFinite(alpha) && eta > 0 && Number.isFinite(eta))) throw new InputError(`lda: alpha = ${alpha} and eta = ${eta} must be finite numbers > 0`);
    await this.params.tensor.write(kernel('sweep').uniformWords('params', { ...this.params.fields, alpha, eta }));
    this.current = next;
  }

  static create(ctx: RunContext, c: LdaCorpus, o: LdaOptions): Promise<LdaSampler> {
    validateLda(c, o);
    const [documents, tokens, v, k] = [c.offsets.length - 1, c.words.length, c.vocabulary.length, o.topics];
    return building(async (owned) => {
      const tensor = (name: string, length: number, data?: Uint32Array) => owned.add(ctx.pool.tensor(`lda ${name}`, 'u32', [Math.max(1, length)], data ? { data } : undefined));
      const t = {
        offsets: await tensor('offsets', documents + 1, c.offsets),
        words: await tensor('words', tokens, c.words),
        z: await tensor('topics', tokens),
        ndk: await tensor('document counts', documents * k),
        nwk: await tensor('word counts', v * k),
        nk: await tensor('topic counts', k),
      };
      const fields = { documents, topics: k, vocabulary: v, tokens, seed: o.seed, alpha: o.alpha, eta: o.eta };
      const params = await owned.add(ctx.pool.uniform('lda params', kernel('sweep').uniformWords('params', fields)));
      const bindings = { params, ...t };
      const overTokens = linearGrid(ctx.gpu, tokens, WG);
      const overDocuments = linearGrid(ctx.gpu, documents, WG);
      const recount = (graph: KernelGraph) => graph.add(kernel('clear'), bindings, linearGrid(ctx.gpu, v * k, WG)).add(kernel('word_counts'), bindings, overTokens);
      const start = recount(new KernelGraph('lda start').add(kernel('start'), bindings, overTokens).add(kernel('document_counts'), bindings, overDocuments));
      await ctx.scheduler.run(start);
      const sweep = recount(new KernelGraph('lda sweep').add(kernel('sweep'), bindings, overDocuments));
      return new LdaSampler(ctx, owned, sweep, { z: t.z, ndk: t.ndk, nwk: t.nwk, nk: t.nk }, { tensor: params, fields }, { ...o });
    });
  }

  /** Sweeps done so far (sweep s draws from step 1 + s of the stream). */
  get sweeps(): number {
    return this.done;
  }

  /** Runs `count` more sweeps. */
  async sweep(count: number): Promise<void> {
    if (!(Number.isInteger(count) && count >= 0)) throw new InputError(`lda: sweeps = ${count} must be a non-negative integer`);
    await this.ctx.scheduler.run(this.graph, { repeat: count, firstIteration: this.done });
    this.done += count;
  }

  /** The assignments and the counts, on the host. */
  async read(): Promise<LdaState> {
    const [z, ndk, nwk, nk] = await Promise.all([this.t.z.read(), this.t.ndk.read(), this.t.nwk.read(), this.t.nk.read()]);
    return { z: new Uint32Array(z), ndk: new Uint32Array(ndk), nwk: new Uint32Array(nwk), nk: new Uint32Array(nk) };
  }

  release(): void {
    this.owned.release();
  }
}
