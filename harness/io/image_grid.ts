// Small images tiled into one grey picture (RBM filters, samples, reconstructions): for PNG files
// (writeGreyPng) and for pages' canvases alike. Browser-safe.

export interface ImageGridOptions {
  /** Images in `images`, each height x width values in [0, 1] (clamped), row-major, one after another. */
  count: number;
  height: number;
  width: number;
  /** Images per row of the grid (default: ceil(sqrt(count))). */
  columns?: number;
  /** Pixels between images and around them (default 1). */
  pad?: number;
  /** Grey level of the padding, 0-255 (default 128). */
  background?: number;
}

/**
 * One grey byte per pixel of the grid, images left to right, then top to bottom.
 *
 *   const grid = imageGrid(samples, { count: 100, height: 28, width: 28 });
 *   writeGreyPng('samples.png', grid.pixels, grid.width, grid.height, 2);
 */
export function imageGrid(images: ArrayLike<number>, o: ImageGridOptions): { pixels: Uint8Array; width: number; height: number } {
  const { count, height, width } = o;
  const columns = o.columns ?? Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.ceil(count / columns);
  const pad = o.pad ?? 1;
  const gridWidth = columns * (width + pad) + pad;
  const gridHeight = rows * (height + pad) + pad;
  const pixels = new Uint8Array(gridWidth * gridHeight).fill(o.background ?? 128);
  for (let n = 0; n < count; n++) {
    // The image's top-left corner in the grid.
    const x0 = pad + (n % columns) * (width + pad);
    const y0 = pad + Math.floor(n / columns) * (height + pad);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = images[n * height * width + y * width + x];
        pixels[(y0 + y) * gridWidth + x0 + x] = Math.round(255 * Math.min(1, Math.max(0, value)));
      }
    }
  }
  return { pixels, width: gridWidth, height: gridHeight };
}

/** Grey pictures side by side, top-aligned, `gap` pixels of `background` between them (layers' grids in one PNG). */
export function greySideBySide(pictures: ReadonlyArray<{ pixels: Uint8Array; width: number; height: number }>, gap = 4, background = 255): { pixels: Uint8Array; width: number; height: number } {
  const width = pictures.reduce((w, p) => w + p.width, 0) + gap * Math.max(0, pictures.length - 1);
  const height = Math.max(0, ...pictures.map((p) => p.height));
  const pixels = new Uint8Array(width * height).fill(background);
  let left = 0;
  for (const p of pictures) {
    for (let y = 0; y < p.height; y++) pixels.set(p.pixels.subarray(y * p.width, (y + 1) * p.width), y * width + left);
    left += p.width + gap;
  }
  return { pixels, width, height };
}
