import { PNG } from 'pngjs';
import { writeFileAtomic } from './files.js';

/** Writes a grey image (one byte per pixel, row-major), scaled up by `scale` for small lattices. */
export function writeGreyPng(path: string, pixels: Uint8Array, width: number, height: number, scale = 1): void {
  const png = new PNG({ width: width * scale, height: height * scale });
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const v = pixels[Math.floor(y / scale) * width + Math.floor(x / scale)];
      const o = 4 * (y * width * scale + x);
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
  writeFileAtomic(path, PNG.sync.write(png));
}
