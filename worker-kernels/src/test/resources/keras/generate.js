// Writes the Keras import fixtures: real Keras-format model JSON from TensorFlow.js layers'
// model.toJSON() (the Keras 2 format of model.to_json()), and params.json with each model's
// parameter counts as tfjs-layers computes them. See README.md for how to run it.
require('@tensorflow/tfjs-backend-cpu');
const tf = require('@tensorflow/tfjs-layers');
const fs = require('fs');
const path = require('path');

const out = process.argv[2] || __dirname;
const L = tf.layers;

// The TensorFlow "Convolutional Neural Network" tutorial (CIFAR-10): logits out (from_logits=True loss).
function tfCnnTutorial() {
  const m = tf.sequential({name: 'tf_cnn_tutorial'});
  m.add(L.conv2d({inputShape: [32, 32, 3], filters: 32, kernelSize: 3, activation: 'relu'}));
  m.add(L.maxPooling2d({poolSize: 2}));
  m.add(L.conv2d({filters: 64, kernelSize: 3, activation: 'relu'}));
  m.add(L.maxPooling2d({poolSize: 2}));
  m.add(L.conv2d({filters: 64, kernelSize: 3, activation: 'relu'}));
  m.add(L.flatten());
  m.add(L.dense({units: 64, activation: 'relu'}));
  m.add(L.dense({units: 10}));
  return m;
}

// keras.io "Simple MNIST convnet": an InputLayer, two conv/pool stages, dropout before the output.
function mnistConvnet() {
  const m = tf.sequential({name: 'mnist_convnet'});
  m.add(L.inputLayer({inputShape: [28, 28, 1]}));
  m.add(L.conv2d({filters: 32, kernelSize: [3, 3], activation: 'relu'}));
  m.add(L.maxPooling2d({poolSize: [2, 2]}));
  m.add(L.conv2d({filters: 64, kernelSize: [3, 3], activation: 'relu'}));
  m.add(L.maxPooling2d({poolSize: [2, 2]}));
  m.add(L.flatten());
  m.add(L.dropout({rate: 0.5}));
  m.add(L.dense({units: 10, activation: 'softmax'}));
  return m;
}

// A CIFAR-10 CNN with batch normalization and dropout (conv, BN, Activation / ReLU layers).
function cifarCnnBn() {
  const m = tf.sequential({name: 'cifar10_cnn_bn'});
  m.add(L.conv2d({inputShape: [32, 32, 3], filters: 32, kernelSize: 3, padding: 'same'}));
  m.add(L.batchNormalization());
  m.add(L.activation({activation: 'relu'}));
  m.add(L.conv2d({filters: 32, kernelSize: 3, padding: 'same', activation: 'relu'}));
  m.add(L.maxPooling2d({poolSize: 2}));
  m.add(L.dropout({rate: 0.25}));
  m.add(L.conv2d({filters: 64, kernelSize: 3, padding: 'same'}));
  m.add(L.batchNormalization());
  m.add(L.reLU());
  m.add(L.conv2d({filters: 64, kernelSize: 3, padding: 'same', activation: 'relu'}));
  m.add(L.maxPooling2d({poolSize: 2}));
  m.add(L.dropout({rate: 0.25}));
  m.add(L.flatten());
  m.add(L.dense({units: 256, activation: 'relu'}));
  m.add(L.batchNormalization());
  m.add(L.dropout({rate: 0.5}));
  m.add(L.dense({units: 10, activation: 'softmax'}));
  return m;
}

// Strided convolutions, average pooling, global average pooling, a separate softmax Activation.
function allConvGap() {
  const m = tf.sequential({name: 'allconv_gap'});
  m.add(L.inputLayer({inputShape: [28, 28, 1]}));
  m.add(L.conv2d({filters: 16, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu'}));
  m.add(L.averagePooling2d({poolSize: 2, strides: 1}));
  m.add(L.conv2d({filters: 32, kernelSize: 3, strides: 2, activation: 'relu'}));
  m.add(L.globalAveragePooling2d({}));
  m.add(L.dense({units: 10}));
  m.add(L.activation({activation: 'softmax'}));
  return m;
}

// A small ResNet (functional): stem, an identity block, a projection block (stride 2), GAP, softmax.
function resnetMini() {
  const bn = () => L.batchNormalization(); // Keras' defaults: momentum 0.99, epsilon 0.001
  const conv = (filters, strides) => L.conv2d({filters, kernelSize: 3, strides: strides || 1, padding: 'same',
    useBias: false});
  const input = tf.input({shape: [32, 32, 3], name: 'image'});
  let x = conv(16).apply(input);
  x = bn().apply(x);
  x = L.reLU().apply(x);
  // identity block
  let y = conv(16).apply(x);
  y = bn().apply(y);
  y = L.reLU().apply(y);
  y = conv(16).apply(y);
  y = bn().apply(y);
  x = L.add().apply([y, x]);
  x = L.activation({activation: 'relu'}).apply(x);
  // projection block
  y = conv(32, 2).apply(x);
  y = bn().apply(y);
  y = L.reLU().apply(y);
  y = conv(32).apply(y);
  y = bn().apply(y);
  let s = L.conv2d({filters: 32, kernelSize: 1, strides: 2, useBias: false}).apply(x);
  s = bn().apply(s);
  x = L.add().apply([y, s]);
  x = L.reLU().apply(x);
  x = L.globalAveragePooling2d({}).apply(x);
  const output = L.dense({units: 10, activation: 'softmax'}).apply(x);
  return tf.model({inputs: input, outputs: output, name: 'resnet_mini'});
}

const size = (weights) => weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
const counts = {};
for (const [file, build] of [['tf_cnn_tutorial.json', tfCnnTutorial], ['mnist_convnet.json', mnistConvnet],
  ['cifar10_cnn_bn.json', cifarCnnBn], ['allconv_gap.json', allConvGap], ['resnet_mini.json', resnetMini]]) {
  const model = build();
  fs.writeFileSync(path.join(out, file), JSON.stringify(model.toJSON(null, false), null, 1) + '\n');
  counts[file] = {countParams: model.countParams(), trainable: size(model.trainableWeights),
    nonTrainable: size(model.nonTrainableWeights)};
}
fs.writeFileSync(path.join(out, 'params.json'), JSON.stringify(counts, null, 1) + '\n');
console.log(JSON.stringify(counts));
