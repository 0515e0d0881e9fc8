// The receptive fields of an RG stack (Mehta & Schwab 2014) as numbers and pictures: each hidden
// layer's fields on the L x L lattice (models/rg_stack.ts receptiveFields: W_1 ... W_l by GEMMs), their
// locality against the same fields permuted over the sites (models/rg.ts layerLocality), and the first
// units' fields as grey images (each scaled by its own largest |value|: mid grey 0, white positive).
import type { RunContext } from '../../engine/index.js';
import type { Dbn } from '../../models/dbn.js';
import { layerLocality } from '../../models/rg.js';
import { receptiveFields } from '../../models/rg_stack.js';
import { toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { filterImages, greyBytes } from '../rbm/images.js';

export interface FieldsOptions {
  /** The lattice's side: the stack's visible units are size^2 sites. */
  size: number;
  radius: number;
  /** The shuffled baseline's permutations' seed. */
  seed: number;
  /** Fields returned as images per layer (0: none). */
  images: number;
}

/**
 * Per hidden layer, bottom up: layer, units, locality, locality_shuffled, mean_radius,
 * mean_radius_shuffled, and with `images` > 0 shown (how many) and images_base64 (grey bytes, size x
 * size each).
 */
export async function stackFields(ctx: RunContext, dbn: Dbn, o: FieldsOptions): Promise<JsonObject[]> {
  const sites = o.size * o.size;
  const lattice = { width: o.size, height: o.size };
  const layers: JsonObject[] = [];
  for (let layer = 1; layer < dbn.layers.length; layer++) {
    const units = dbn.layers[layer];
    const fields = await receptiveFields(ctx, dbn, layer);
    const shown = Math.min(o.images, units);
    const images: JsonObject = shown > 0 ? { shown, images_base64: toBase64(greyBytes(filterImages(fields, sites, units, shown, 'unit-major'))) } : {};
    layers.push({ layer, units, ...layerLocality(fields, units, lattice, o.radius, o.seed), ...images });
  }
  return layers;
}
