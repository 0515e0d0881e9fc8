// An LDA model file (`lda train --out`): the topic-word counts (vocabulary x topics) and, in its
// metadata, the vocabulary, the priors and the sweeps; read and checked before anything runs.
import { InputError, type Safetensors } from '../../engine/index.js';

export interface LdaModel {
  topics: number;
  alpha: number;
  eta: number;
  vocabulary: string[];
  /** vocabulary x topics. */
  nwk: Float64Array;
  /** topics: each topic's tokens. */
  nk: Float64Array;
}

/** The model in an LDA file, or an InputError naming `source` and what is wrong. */
export function readLdaModel(file: Safetensors, source: string): LdaModel {
  const bad = (what: string) => new InputError(`${source}: ${what}`);
  if (file.metadata.model !== 'lda') throw bad(`not an LDA model file (model '${String(file.metadata.model)}'; lda train --out writes one)`);
  const counts = file.tensors.topic_word_counts;
  if (!counts || counts.shape.length !== 2) throw bad('no topic_word_counts tensor of shape [vocabulary, topics]');
  const [v, k] = counts.shape;
  let vocabulary: unknown;
  try {
    vocabulary = JSON.parse(file.metadata.vocabulary ?? 'null');
  } catch {
    throw bad('its vocabulary metadata is not JSON');
  }
  if (!Array.isArray(vocabulary) || vocabulary.length !== v || !vocabulary.every((w) => typeof w === 'string')) throw bad(`its vocabulary metadata is not a list of ${v} words`);
  const [alpha, eta] = [Number(file.metadata.alpha), Number(file.metadata.eta)];
  if (!(alpha > 0 && eta > 0)) throw bad(`alpha ${file.metadata.alpha} and eta ${file.metadata.eta} must be numbers > 0`);
  const nwk = Float64Array.from(counts.data);
  if (nwk.some((x) => !(x >= 0 && Number.isInteger(x)))) throw bad('topic_word_counts must be non-negative integers');
  const nk = new Float64Array(k);
  for (let w = 0; w < v; w++) for (let t = 0; t < k; t++) nk[t] += nwk[w * k + t];
  return { topics: k, alpha, eta, vocabulary: vocabulary as string[], nwk, nk };
}
