// Datasets in Node: everything in ./index.ts, plus reading files and the MNIST cache on disk.
export * from './index.js';
export { readArrayFile, readLabelledFiles } from './read_files.js';
export { loadMnist, writeMnistCache, mnistFromPackage, dataCacheDir, type MnistLoadOptions } from './mnist_node.js';
