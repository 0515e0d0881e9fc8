// Datasets for pages and Node alike: parsers of bytes and text, the labelled dataset, the split and
// the f32 conversion. Nothing here imports a node: module (Node's file reading is in ./node.ts).
export { type ArrayDType, type NumericArray, type NumericData } from './arrays.js';
export { parseIdx } from './idx.js';
export { parseNpy } from './npy.js';
export { parseCsv, type CsvMatrix, type CsvOptions } from './csv.js';
export { datasetFromArrays, splitLabelColumn, sliceDataset, splitPerClass, type LabelledDataset, type PairOptions } from './dataset.js';
export { toF32, type Binarise, type BernoulliStream } from './pixels.js';
export { parseMnistCache, encodeMnistCache, MNIST_CACHE_FILE } from './mnist.js';
