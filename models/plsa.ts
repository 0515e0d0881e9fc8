// Probabilistic latent semantic analysis (Hofmann 1999; the notes' "EM over word topics") on the GPU:
// a corpus as a sparse bag of words, EM steps as one kernel graph (shaders/plsa.wgsl: the documents'
// and the words' side of the M-step each by an invocation per row over its entries, no atomics), beta
// normalised by a column sum, the log-likelihood by a sum over documents. The start: theta and beta
// uniform in (0, 1] from Philox (seed, plsaStart: step 0 theta, step 1 beta), normalised.
// Reference: harness/reference/plsa.ts.
import { InputError, KernelGraph, linearGrid, RNG_PURPOSES, rngBits, type RunContext, type Tensor } from '../engine/index.js';
import { cachedKernel } from '../engine/kernel.js';
import { library } from '../engine/library.js';
import { addBinary, addReduce, addUnary } from '../engine/ops/index.js';
import { building, Owned, type Releasable } from './owned.js';
import type { TokenDocuments } from './topics.js';

/** A corpus as counts: entry e is document doc[e]'s count[e] of word word[e], grouped by document, words ascending. */
export interface BagOfWords {
  documents: number;
  vocabulary: number;
  doc: Uint32Array;
  word: Uint32Array;
  count: Float32Array;
}

/** The bag of words of token lists over `vocabulary` words. */
export function bagOfWords(docs: TokenDocuments, vocabulary: number): BagOfWords {
  const [doc, word, count]: number[][] = [[], [], []];
  const documents = docs.offsets.length - 1;
  for (let d = 0; d < documents; d++) {
    const counts = new Map<number, number>();
    for (let i = docs.offsets[d]; i < docs.offsets[d + 1]; i++) counts.set(docs.words[i], (counts.get(docs.words[i]) ?? 0) + 1);
    for (const w of [...counts.keys()].sort((a, b) => a - b)) {
      doc.push(d);
      word.push(w);
      count.push(counts.get(w)!);
    }
  }
  return { documents, vocabulary, doc: Uint32Array.from(doc), word: Uint32Array.from(word), count: Float32Array.from(count) };
}

/** Rows of `n` values uniform in (0, 1] from (seed, plsaStart, step), each normalised to sum 1. */
function randomRows(rows: number, n: number, seed: number, step: number): Float32Array {
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < n; j++) total += out[r * n + j] = ((rngBits(seed, RNG_PURPOSES.plsaStart, step, r * n + j, 0)[0] >>> 8) + 1) / 16777216;
    for (let j = 0; j < n; j++) out[r * n + j] /= total;
  }
  return out;
}

/** The start: theta (documents x topics) and beta (topics x words), each row a distribution. */
export function plsaStart(b: BagOfWords, topics: number, seed: number): { theta: Float32Array; beta: Float32Array } {
  return { theta: randomRows(b.documents, topics, seed, 0), beta: randomRows(topics, b.vocabulary, seed, 1) };
}

const WG = 64;
const kernel = (entry: string) => cachedKernel(library, { name: `plsa.${entry}`, file: 'plsa.wgsl', entry, overrides: { WG } });

/**
 * EM over one bag of words on the GPU.
 *
 *   const em = await PlsaEm.create(ctx, bag, 10, plsaStart(bag, 10, 1));
 *   const ll = await em.step();   // the log-likelihood under the parameters before the step
 *   const { theta, beta } = await em.read();
 */
export class PlsaEm implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly graph: KernelGraph,
    private readonly t: Record<'theta' | 'beta' | 'total', Tensor>,
    readonly topics: number,
    private readonly bag: BagOfWords,
  ) {}

  static create(ctx: RunContext, b: BagOfWords, topics: number, start: { theta: Float32Array; beta: Float32Array }): Promise<PlsaEm> {
    const [d, v, k, entries] = [b.documents, b.vocabulary, topics, b.doc.length];
    if (!(Number.isInteger(k) && k >= 1)) throw new InputError(`plsa: topics = ${k} must be a positive integer`);
    if (entries === 0) throw new InputError('plsa: the corpus has no tokens');
    if (start.theta.length !== d * k || start.beta.length !== k * v) throw new InputError(`plsa: a start of ${start.theta.length} and ${start.beta.length} values is not ${d} x ${k} and ${k} x ${v}`);
    // The entries of each word, ascending, and each document's first entry.
    const byWord = Array.from({ length: entries }, (_, e) => e).sort((x, y) => b.word[x] - b.word[y] || x - y);
    const wordOffsets = new Uint32Array(v + 1);
    for (const w of b.word) wordOffsets[w + 1]++;
    for (let w = 0; w < v; w++) wordOffsets[w + 1] += wordOffsets[w];
    const docOffsets = new Uint32Array(d + 1);
    for (const doc of b.doc) docOffsets[doc + 1]++;
    for (let i = 0; i < d; i++) docOffsets[i + 1] += docOffsets[i];
    // beta word-major on the device.
    const betaT = new Float32Array(v * k);
    for (let z = 0; z < k; z++) for (let w = 0; w < v; w++) betaT[w * k + z] = start.beta[z * v + w];
    return building(async (owned) => {
      const tensor = (name: string, dtype: 'u32' | 'f32', shape: number[], data?: Uint32Array | Float32Array) => owned.add(ctx.pool.tensor(`plsa ${name}`, dtype, shape, data ? { data } : undefined));
      const t = {
        doc_offsets: await tensor('document offsets', 'u32', [d + 1], docOffsets),
        entry_doc: await tensor('entry documents', 'u32', [entries], b.doc),
        entry_word: await tensor('entry words', 'u32', [entries], b.word),
        entry_count: await tensor('entry counts', 'f32', [entries], b.count),
        word_offsets: await tensor('word offsets', 'u32', [v + 1], wordOffsets),
        word_entries: await tensor('word entries', 'u32', [entries], Uint32Array.from(byWord)),
        theta: await tensor('theta', 'f32', [d, k], start.theta),
        beta: await tensor('beta', 'f32', [v, k], betaT),
        next_theta: await tensor('next theta', 'f32', [d, k]),
        next_beta: await tensor('next beta', 'f32', [v, k]),
        log_likelihood: await tensor('log-likelihoods', 'f32', [d]),
      };
      const [columnTotals, total] = [await tensor('beta totals', 'f32', [k]), await tensor('log-likelihood', 'f32', [1])];
      const params = await owned.add(ctx.pool.uniform('plsa params', kernel('documents_step').uniformWords('params', { documents: d, topics: k, vocabulary: v })));
      const bindings = { params, ...t };
      const graph = new KernelGraph('plsa em step')
        .add(kernel('documents_step'), bindings, linearGrid(ctx.gpu, d, WG))
        .add(kernel('words_step'), bindings, linearGrid(ctx.gpu, v, WG));
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: t.next_beta, out: columnTotals }));
      await owned.add(addBinary(graph, ctx, { op: 'div', a: t.next_beta, b: columnTotals, out: t.next_beta }));
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'all', x: t.log_likelihood, out: total }));
      await owned.add(addUnary(graph, ctx, { op: 'copy', x: t.next_theta, out: t.theta }));
      await owned.add(addUnary(graph, ctx, { op: 'copy', x: t.next_beta, out: t.beta }));
      return new PlsaEm(ctx, owned, graph, { theta: t.theta, beta: t.beta, total }, k, b);
    });
  }

  /** One EM step; returns the log-likelihood under the parameters it started from. */
  async step(): Promise<number> {
    await this.ctx.scheduler.run(this.graph);
    return new Float32Array(await this.t.total.read())[0];
  }

  /** theta (documents x topics) and beta (topics x words). */
  async read(): Promise<{ theta: Float32Array; beta: Float32Array }> {
    const [theta, betaT] = [new Float32Array(await this.t.theta.read()), new Float32Array(await this.t.beta.read())];
    const [k, v] = [this.topics, this.bag.vocabulary];
    const beta = new Float32Array(k * v);
    for (let z = 0; z < k; z++) for (let w = 0; w < v; w++) beta[z * v + w] = betaT[w * k + z];
    return { theta, beta };
  }

  release(): void {
    this.owned.release();
  }
}
