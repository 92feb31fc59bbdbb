import fs from 'fs';
const ARGS = process.argv.slice(2); const SIZE = +(process.env.SIZE || 416);
const savedProcess = globalThis.process;
globalThis.process = undefined;
const faceapi = await import('/tmp/faceapi/package/dist/face-api.esm.js');
globalThis.process = savedProcess;
const tf = faceapi.tf;
tf.env().setPlatform('custom', { fetch: (...a) => fetch(...a), now: () => performance.now(), encode: (s) => new TextEncoder().encode(s), decode: (b, e) => new TextDecoder(e).decode(b), isTypedArray: (a) => a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray, setTimeoutCustom: (f, t) => setTimeout(f, t) });
await tf.setBackend('cpu');
class Dummy {}
faceapi.env.setEnv({ Canvas: Dummy, CanvasRenderingContext2D: Dummy, Image: class {}, ImageData: class {}, Video: class {}, createCanvasElement: () => ({}), createImageElement: () => ({}), createVideoElement: () => ({}), fetch: (...a) => fetch(...a), readFile: () => { throw new Error('no'); } });
await tf.ready();
const M = '/tmp/faceapi/package/model/';
function wm(name) {
  const man = JSON.parse(fs.readFileSync(M + name + '-weights_manifest.json'));
  const buf = fs.readFileSync(M + name + '.bin');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return tf.io.decodeWeights(ab, man[0].weights);
}
faceapi.nets.tinyFaceDetector.loadFromWeightMap(wm('tiny_face_detector_model'));
faceapi.nets.faceLandmark68Net.loadFromWeightMap(wm('face_landmark_68_model'));
faceapi.nets.faceRecognitionNet.loadFromWeightMap(wm('face_recognition_model'));
const out = {};
for (const f of ARGS) {
  const m = f.match(/\.(\d+)x(\d+)\.rgb$/);
  const w = +m[1], h = +m[2];
  const data = new Int32Array(fs.readFileSync(f));
  const t = tf.tensor3d(data, [h, w, 3], 'int32');
  const size = SIZE;
  const res = await faceapi.detectAllFaces(t, new faceapi.TinyFaceDetectorOptions({ inputSize: size })).withFaceLandmarks().withFaceDescriptors();
  out[f] = res.map(r => ({ score: r.detection.score, box: r.detection.box, landmarks: r.landmarks.positions.map(p => [p.x, p.y]), aligned: r.landmarks.align(null, {useDlibAlignment: true}), descriptor: Array.from(r.descriptor) }));
  console.error(f, res.map(r => r.detection.score.toFixed(4) + ' ' + JSON.stringify(r.detection.box)));
}
fs.writeFileSync('ref.json', JSON.stringify(out));
