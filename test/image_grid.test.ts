// harness/io/image_grid.ts: small images tiled into one grey picture (filters, samples, reconstructions).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imageGrid } from '../harness/io/image_grid.js';

test('image grid: images in their cells, values clamped to [0, 1], padding grey', () => {
  // Two 1 x 2 images side by side: pad 1 around and between, so the grid is 7 x 3.
  const grid = imageGrid([0, 1, 0.5, 2], { count: 2, height: 1, width: 2, columns: 2 });
  assert.is(grid.width, 7);
  assert.is(grid.height, 3);
  assert.equal([...grid.pixels.subarray(0, 7)], [128, 128, 128, 128, 128, 128, 128]);
  assert.equal([...grid.pixels.subarray(7, 14)], [128, 0, 255, 128, 128, 255, 128]);
});

test('image grid: columns default to a square, the last row left grey', () => {
  // Three 1 x 1 images: 2 columns, 2 rows, so 5 x 5 with the fourth cell empty.
  const grid = imageGrid([0.2, 0.4, 0.6], { count: 3, height: 1, width: 1, pad: 1 });
  assert.is(grid.width, 5);
  assert.is(grid.height, 5);
  assert.equal([...grid.pixels.subarray(5, 10)], [128, 51, 128, 102, 128]);
  assert.equal([...grid.pixels.subarray(15, 20)], [128, 153, 128, 128, 128]);
});

test.run();
