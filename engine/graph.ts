import type { Gpu } from './device.js';
import type { BufferPool, Tensor } from './buffers.js';
import { InputError, LimitError } from './errors.js';
import { ITERATION_BINDING, ITERATION_STRIDE, type Bindings, type Kernel } from './kernel.js';
import { scoped } from './scopes.js';

export type Workgroups = readonly [number, number?, number?];

interface GraphNode {
  kernel: Kernel;
  bindings: Bindings;
  workgroups: [number, number, number];
}

/**
 * An ordered list of kernels with their bindings and dispatch grids. Bindings are checked against
 * each kernel's reflection when added, so a mistake names the kernel before anything runs.
 *
 *   const g = new KernelGraph('ising.sweep')
 *     .add(update, { spins, params }, [groups, 1, 1])
 *     .add(measure, { spins, params, series }, [groups]);
 *   await scheduler.run(g, { repeat: 1000 });
 */
export class KernelGraph {
  /** @internal The scheduler reads them; users add nodes with add(). */
  readonly nodes: GraphNode[] = [];
  constructor(readonly name: string) {}

  add(kernel: Kernel, bindings: Bindings, workgroups: Workgroups): this {
    kernel.checkBindings(bindings);
    const [x, y = 1, z = 1] = workgroups;
    this.nodes.push({ kernel, bindings, workgroups: [x, y, z] });
    return this;
  }

  /** Throws an InputError naming the kernel, the binding and the tensor if a tensor of the graph was released. */
  checkLive(): void {
    for (const node of this.nodes) node.kernel.checkLive(node.bindings);
  }
}

export interface RunOptions {
  /** How many times the whole graph runs (default 1). */
  repeat?: number;
  /** The value of `iteration.index` in the first repetition (default 0). */
  firstIteration?: number;
  /** Measure GPU time per kernel with timestamp queries (when the device has them). */
  profile?: boolean;
  /** Called after each submitted chunk, once its work is done. */
  onProgress?: (done: number, total: number) => void;
}

export interface RunStats {
  repeat: number;
  dispatches: number;
  /** Host time from the first encode to the last onSubmittedWorkDone. */
  wallMs: number;
  /** Sum of GPU time over all dispatches, from timestamp queries; null without them. */
  gpuMs: number | null;
  /** GPU time by kernel name; null without timestamp queries. */
  perKernelMs: Record<string, number> | null;
}

/** Repetitions per submit: bounds the iteration ring and keeps the queue short enough for progress. */
const CHUNK = 256;
/** Node on a CPU adapter: sleep this fraction of the expected run time before asking the queue (idle). */
const SLEEP_FRACTION = 0.85;
/** Shorter sleeps are not worth a timer. */
const MIN_SLEEP_MS = 2;
/** Timestamp queries per query set (two per profiled dispatch). */
const MAX_QUERIES = 4096;

/**
 * Runs kernel graphs: many dispatches per submit, the iteration index in a uniform ring with dynamic
 * offsets, every submit inside error scopes, GPU time per kernel when `timestamp-query` is present.
 */
export class Scheduler {
  private ring: Promise<Tensor> | null = null;
  /** Wall milliseconds per repetition of each graph's last run, for the Node wait (idle). */
  private msPerRepetition = new WeakMap<KernelGraph, number>();
  /** Bind groups by graph, made for `nodes` nodes and the iteration ring `ring`. */
  private bindGroups = new WeakMap<KernelGraph, { nodes: number; ring: Tensor; groups: GPUBindGroup[][] }>();
  /** Runs one after another: they share the iteration ring. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly gpu: Gpu, readonly pool: BufferPool) {}

  private iterationRing(): Promise<Tensor> {
    this.ring ??= this.pool.tensor('iteration ring', 'u32', [(CHUNK * ITERATION_STRIDE) / 4], { role: 'uniform' });
    return this.ring;
  }

  private async groupsFor(graph: KernelGraph, ring: Tensor): Promise<GPUBindGroup[][]> {
    // A ring made after dispose() is another buffer: bind groups of the old one would read a released tensor.
    const cached = this.bindGroups.get(graph);
    if (cached && cached.nodes === graph.nodes.length && cached.ring === ring) return cached.groups;
    const device = this.gpu.device;
    const all: GPUBindGroup[][] = [];
    for (const node of graph.nodes) {
      const { layout } = await node.kernel.compile(this.gpu);
      const groups = await scoped(device, node.kernel.name, () =>
        layout.map((groupLayout, group) =>
          device.createBindGroup({
            label: `${node.kernel.name} group ${group}`,
            layout: groupLayout,
            entries: node.kernel.reflection.bindings
              .filter((b) => b.group === group)
              .map((b) => {
                // A tensor binds whole (offset 0), a view binds its part.
                const bound = b.name === ITERATION_BINDING ? { buffer: ring.buffer, byteOffset: 0, byteLength: b.minBytes } : node.bindings[b.name];
                return { binding: b.binding, resource: { buffer: bound.buffer, offset: bound.byteOffset, size: bound.byteLength } };
              }),
          }),
        ),
      );
      all.push(groups);
    }
    this.bindGroups.set(graph, { nodes: graph.nodes.length, ring, groups: all });
    return all;
  }

  /** Runs `graph` `repeat` times; calls on one Scheduler are queued, never interleaved. */
  run(graph: KernelGraph, options: RunOptions = {}): Promise<RunStats> {
    const result = this.queue.then(() => this.runNow(graph, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Gives back the iteration ring; the Scheduler can still run (it makes a new one). */
  async dispose(): Promise<void> {
    const ring = this.ring;
    this.ring = null;
    await this.queue;
    if (ring) (await ring).release();
  }

  private async runNow(graph: KernelGraph, options: RunOptions): Promise<RunStats> {
    const repeat = options.repeat ?? 1;
    const first = options.firstIteration ?? 0;
    // Kernels compute RNG steps as 2 * iteration + colour in u32.
    if (!Number.isInteger(repeat) || repeat < 0) throw new InputError(`${graph.name}: repeat must be a non-negative integer, got ${repeat}`);
    if (!Number.isInteger(first) || first < 0 || first + repeat > 2 ** 31) {
      throw new InputError(`${graph.name}: iterations ${first} .. ${first + repeat} must lie in [0, 2^31)`);
    }
    const device = this.gpu.device;
    graph.nodes.forEach((n) => checkGrid(this.gpu, n.kernel.name, n.workgroups));
    graph.checkLive();
    const ring = await this.iterationRing();
    const groups = await this.groupsFor(graph, ring);
    const pipelines = await Promise.all(graph.nodes.map((n) => n.kernel.compile(this.gpu)));
    // The bind group holding each node's iteration uniform (-1: none); it takes the dynamic offset.
    const iterationGroup = graph.nodes.map((n) => n.kernel.reflection.bindings.find((b) => b.name === ITERATION_BINDING)?.group ?? -1);
    const profile = !!options.profile && this.gpu.hasTimestamps && graph.nodes.length > 0;
    const chunk = profile ? Math.max(1, Math.min(CHUNK, Math.floor(MAX_QUERIES / 2 / graph.nodes.length))) : CHUNK;
    const perKernelMs: Record<string, number> = {};
    const start = performance.now();
    let done = 0;
    while (done < repeat) {
      const count = Math.min(chunk, repeat - done);
      const slots = new Uint32Array((count * ITERATION_STRIDE) / 4);
      for (let r = 0; r < count; r++) slots[(r * ITERATION_STRIDE) / 4] = first + done + r;
      await ring.write(slots);
      const timing = profile ? await this.timingSet(count * graph.nodes.length) : null;
      try {
        // Again before every submit, with no await between: a tensor released meanwhile (say in
        // onProgress) has a buffer that the cached bind groups would write into, though another
        // tensor may own it now.
        graph.checkLive();
        await scoped(device, graph.name, () => {
          const encoder = device.createCommandEncoder({ label: graph.name });
          let pass: GPUComputePassEncoder | null = null;
          let query = 0;
          for (let r = 0; r < count; r++) {
            graph.nodes.forEach((node, i) => {
              if (timing || !pass) {
                pass = encoder.beginComputePass({
                  label: timing ? node.kernel.name : graph.name,
                  timestampWrites: timing
                    ? { querySet: timing.querySet, beginningOfPassWriteIndex: query, endOfPassWriteIndex: query + 1 }
                    : undefined,
                });
                query += 2;
              }
              pass.setPipeline(pipelines[i].pipeline);
              groups[i].forEach((bg, g) => pass!.setBindGroup(g, bg, g === iterationGroup[i] ? [r * ITERATION_STRIDE] : []));
              pass.dispatchWorkgroups(...node.workgroups);
              if (timing) {
                pass.end();
                pass = null;
              }
            });
          }
          if (pass) (pass as GPUComputePassEncoder).end();
          if (timing) encoder.resolveQuerySet(timing.querySet, 0, query, timing.resolve, 0);
          if (timing) encoder.copyBufferToBuffer(timing.resolve, 0, timing.readback, 0, query * 8);
          device.queue.submit([encoder.finish()]);
        });
        if (timing) {
          await scoped(device, `${graph.name} timestamps`, () => timing.readback.mapAsync(0x0001 /* GPUMapMode.READ */));
          const ticks = new BigUint64Array(timing.readback.getMappedRange().slice(0));
          timing.readback.unmap();
          for (let q = 0; q < count * graph.nodes.length; q++) {
            const name = graph.nodes[q % graph.nodes.length].kernel.name;
            const ns = Number(ticks[2 * q + 1] - ticks[2 * q]);
            perKernelMs[name] = (perKernelMs[name] ?? 0) + Math.max(0, ns) / 1e6;
          }
        }
      } finally {
        timing?.destroy();
      }
      done += count;
      if (options.onProgress) {
        await this.idle(graph, done, start);
        options.onProgress(done, repeat);
      }
    }
    await this.idle(graph, repeat, start);
    const wallMs = performance.now() - start;
    if (repeat > 0 && !profile) this.msPerRepetition.set(graph, wallMs / repeat);
    const gpuMs = profile ? Object.values(perKernelMs).reduce((a, b) => a + b, 0) : null;
    return { repeat, dispatches: repeat * graph.nodes.length, wallMs, gpuMs, perKernelMs: profile ? perKernelMs : null };
  }

  /**
   * Waits until `repetitions` repetitions of `graph`, submitted from `start` on, are done. In Node, Dawn
   * polls for completion with setImmediate for as long as a promise of it is pending
   * (crbug.com/dawn/1127), which keeps a CPU core busy; on a CPU adapter (SwiftShader) that core is
   * taken from the work itself, and on 2 cores it halved our throughput. So there, the wait first
   * sleeps through most of the time this graph took before, and only then asks the queue.
   */
  private async idle(graph: KernelGraph, repetitions: number, start: number): Promise<void> {
    const perRepetition = this.msPerRepetition.get(graph);
    if (perRepetition !== undefined && this.gpu.adapter.fallback && this.gpu.adapter.runtime === 'node') {
      const sleepMs = SLEEP_FRACTION * perRepetition * repetitions - (performance.now() - start);
      if (sleepMs >= MIN_SLEEP_MS) await new Promise((ok) => setTimeout(ok, sleepMs));
    }
    await this.gpu.device.queue.onSubmittedWorkDone();
  }

  private async timingSet(dispatches: number) {
    const device = this.gpu.device;
    const count = dispatches * 2;
    return scoped(device, 'timestamp queries', () => {
      const querySet = device.createQuerySet({ label: 'timestamps', type: 'timestamp', count });
      const resolve = device.createBuffer({ label: 'timestamps resolve', size: count * 8, usage: 0x0200 /* QUERY_RESOLVE */ | 0x0004 /* COPY_SRC */ });
      const readback = device.createBuffer({ label: 'timestamps readback', size: count * 8, usage: 0x0001 | 0x0008 });
      return {
        querySet,
        resolve,
        readback,
        destroy() {
          querySet.destroy();
          resolve.destroy();
          readback.destroy();
        },
      };
    });
  }
}

/**
 * A dispatch grid for `invocations` threads in workgroups of `workgroupSize`, folded into two
 * dimensions when one would exceed maxComputeWorkgroupsPerDimension. Kernels recover their linear
 * index with `linear_index` from shaders/grid.wgsl.
 */
export function linearGrid(gpu: Gpu, invocations: number, workgroupSize: number): [number, number] {
  const groups = Math.max(1, Math.ceil(invocations / workgroupSize));
  const max = gpu.limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [groups, 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y];
}

/** Throws a LimitError naming the kernel unless every grid dimension is a positive integer within maxComputeWorkgroupsPerDimension. */
export function checkGrid(gpu: Gpu, kernel: string, workgroups: readonly number[]): void {
  const max = gpu.limits.maxComputeWorkgroupsPerDimension;
  workgroups.forEach((n, axis) => {
    if (!Number.isInteger(n) || n < 1) throw new LimitError(`${kernel}: dispatch of ${n} workgroups along axis ${axis} is not a positive integer`);
    if (n > max) throw new LimitError(`${kernel}: dispatch of ${n} workgroups along axis ${axis} exceeds maxComputeWorkgroupsPerDimension (${max})`);
  });
}
