// What every classifier's training adapter shares (mlp, binarynet): its series (the loss per step,
// the training errors and the test error and loss per epoch), the epoch's record and log line, the
// result's metrics and history, and the report's lines.
import { InputError } from '../../engine/index.js';
import { hasLabels, MNIST } from '../data/source.js';
import type { Json, JsonObject } from '../io/json.js';
import type { History, Series } from './feature.js';
import { perEpoch, perStep } from './history.js';
import { mean } from '../../models/stats.js';

export const CLASSIFIER_SERIES: readonly Series[] = [...perStep('train_loss'), { name: 'train_errors', dtype: 'U32', per: 'epoch' }, ...perEpoch('test_error', 'test_loss')];

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** An epoch's values for the series and its log line, from the trainer's metrics and the evaluation. */
export function classifierRecord(epoch: { epoch: number; losses: ArrayLike<number>; errors: number }, test: { error: number; loss: number }, epochs: number) {
  const line = `epoch ${epoch.epoch + 1}/${epochs}: train loss ${mean(epoch.losses).toFixed(4)}, test error ${pct(test.error)}, test loss ${test.loss.toFixed(4)}`;
  return { values: { train_loss: epoch.losses, train_errors: epoch.errors, test_error: test.error, test_loss: test.loss }, line: () => line };
}

/** The result's last test error and loss, the history per epoch and the loss per step. */
export function classifierResult(h: History, stepsPerEpoch: number, batch: number): JsonObject {
  const last = h.test_error.length - 1;
  return {
    test_error: h.test_error[last],
    test_loss: h.test_loss[last],
    history: h.test_error.map((testError, e): Json => ({
      epoch: e + 1,
      train_loss: mean(h.train_loss.slice(e * stepsPerEpoch, (e + 1) * stepsPerEpoch)),
      train_error: h.train_errors[e] / (stepsPerEpoch * batch),
      test_error: testError,
      test_loss: h.test_loss[e],
    })),
    train_loss: h.train_loss,
  };
}

/** The report's lines of a classifier's result. */
export const classifierReportLines = (r: JsonObject): Array<[string, string]> => [
  ['test error', `${pct(r.test_error as number)} of ${r.test_count} examples`],
  ['test loss', (r.test_loss as number).toFixed(4)],
];

/** A classifier trains on labelled examples: MNIST, or a --data file with its labels. */
export function checkLabelledData(data: string): void {
  if (data !== MNIST && !hasLabels(data)) throw new InputError(`--data ${data}: a classifier needs labels: FILE,LABELS`);
}
