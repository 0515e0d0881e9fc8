// harmonium rg chain: the 1-D Ising chain's renormalisation group (Mehta & Schwab 2014): the exact
// decimation flow, our sampler's correlations at the decimated spacings, and an RBM stack's learned
// block spins, on the GPU in Node or in headless Chrome.
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json } from '../cli/flags.js';
import { runWithProgress } from '../cli/run.js';
import { toSpec, type Values } from '../cli/schema.js';
import { RG_CHAIN_JOB } from './flags.js';
import { checkRgChain } from './job.js';

const CHAIN_FLAGS = { ...RG_CHAIN_JOB, backend, adapter, json } as const;

export const rgChainCommand = defineCommand({
  name: 'rg chain',
  summary: "the 1-D Ising chain's decimation flow, exact, sampled and learned by a stack of RBMs",
  flags: CHAIN_FLAGS,
  details: `Decimation keeps every other spin of a chain with coupling J and leaves a chain with tanh J' = tanh^2 J;
level n has tanh J_n = tanh(J_0)^(2^n), the correlation of spins 2^n apart. The command prints the flow
J_n, the correlation at distance 2^n measured on --chains samples of a periodic chain of --length spins
(our Boltzmann machine's sequential Gibbs sampler, --sweeps sweeps from random spins; error bars over
the chains) beside tanh J_n and the exact periodic value, and the learned block spins: RBMs --length ->
--length/2 -> ... trained greedily on the samples (CD-1, --epochs each), each level's hidden units
ordered by the centres of their receptive fields on the ring and their nearest-neighbour correlation
(one draw up the stack, as +-1, each unit signed by its field's sum) beside tanh J_n. With --json one
object: coupling, length, levels, chains, sweeps, epochs, seed, exact (J_0 .. J_levels), measured
(per level: distance, value, stderr, tanh_j, periodic), learned (per level: units, correlation,
stderr, tanh_j), wall_ms, adapter, backend.`,
  run: runChain,
});

async function runChain(values: Values<typeof CHAIN_FLAGS>): Promise<void> {
  checkRgChain(values);
  const result = await runWithProgress('rg chain', toSpec('rg-chain', RG_CHAIN_JOB, values), values);
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const exact = result.exact as number[];
  const measured = result.measured as Array<Record<string, number>>;
  const learned = result.learned as Array<Record<string, number>>;
  const lines = [
    `1-D Ising chain, J_0 = ${values.coupling}, ${values.length} spins, ${values.chains} samples`,
    'level  J_n      tanh J_n  sampled <s_i s_(i+2^n)>  learned nn correlation (units)',
    ...exact.map((j, n) => {
      const m = measured[n];
      const l = learned.find((x) => x.level === n);
      const learnedText = l ? `${l.correlation.toFixed(4)} +- ${l.stderr.toFixed(4)} (${l.units})` : '';
      return `${String(n).padEnd(7)}${j.toFixed(4).padEnd(9)}${Math.tanh(j).toFixed(4).padEnd(10)}${`${m.value.toFixed(4)} +- ${m.stderr.toFixed(4)}`.padEnd(25)}${learnedText}`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [rgChainCommand];
