// The benchmarks' shared parameters, declared once: the `bench` command parses them and each bench
// job reads its spec with them (with the benchmark's own default sizes).
import { integer, integers } from '../cli/schema.js';

export const sizes = integers({
  min: 1,
  defaultText: "the benchmark's own (below)",
  help: 'problem sizes, comma-separated: lattice sides for ising (multiples of 64), M = N = K for gemm (the RBM shapes always run), the hidden width H of 784-H-H-10 for mlp, units N for hopfield, the hidden units H of a 784-H RBM for rbm, the hidden width H of 784-H-(20)-H-784 for vae, the hidden width H of 784-H-H-H-10 for binarynet, the clusters K for cluster, the topics K for lda',
});

export const reps = integer({ min: 1, default: 5, help: 'timed repetitions after warm-up; the median and the spread are reported' });
