// What one model object made on the GPU (tensors, ops' uniforms), released together: newest first,
// so that an op goes before the tensors it was bound to.

/** Something that holds GPU memory until released: a Tensor, an op's dispatches, a ParamSet. */
export interface Releasable {
  release(): void;
}

/**
 *   const owned = new Owned();
 *   const h = await owned.add(ctx.pool.tensor('h', 'f32', [rows, 64]));
 *   await owned.add(addGemm(graph, ctx, { ... }));
 *   owned.release();
 */
export class Owned implements Releasable {
  private readonly items: Releasable[] = [];

  /** Keeps `made` (awaited) for release and returns it. */
  async add<T extends Releasable>(made: Promise<T> | T): Promise<T> {
    const item = await made;
    this.items.push(item);
    return item;
  }

  release(): void {
    this.items.splice(0).reverse().forEach((item) => item.release());
  }
}

/**
 * Runs `build` with a fresh Owned; when it throws, whatever it made is released before the error
 * goes on, so that a failed constructor leaks nothing.
 */
export async function building<T>(build: (owned: Owned) => Promise<T>): Promise<T> {
  const owned = new Owned();
  try {
    return await build(owned);
  } catch (e) {
    owned.release();
    throw e;
  }
}
