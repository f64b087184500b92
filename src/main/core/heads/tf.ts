// TensorFlow.js for the heads. @tensorflow/tfjs-core's Node bundle registers no gradient functions
// (the `@tensorflow/tfjs` union package normally does that); @tensorflow/tfjs-layers' Node bundle
// registers the full set into tfjs's global registry when it loads, so importing it here makes
// tf.grads / optimizer.minimize work on every backend. Nothing else of tfjs-layers is used.
import '@tensorflow/tfjs-layers';

export { tf, initBackend, type BackendInfo } from '../tensor/backend.js';
