/**
 * @module @fish-tuning/core/tfjs-quiet — imported first by the backend packages. Their bundles carry a
 * second copy of tfjs-core's ESM files (for its gradient registrations), and that copy registers the
 * platform again, which tfjs reports with a console warning on every start. Evaluating this module sets
 * tfjs' IS_TEST flag, which silences that warning, and restores it in a microtask: after the whole
 * import graph has been evaluated (synchronously), before any user code awaits anything.
 */
import * as tf from '@tensorflow/tfjs-core';

const previous = tf.env().getBool('IS_TEST');
tf.env().set('IS_TEST', true);
queueMicrotask(() => tf.env().set('IS_TEST', previous));
