// Package face runs the pretrained face networks of face-api
// (@vladmandic/face-api 1.7.15, weights embedded by package models) in pure
// Go, without cgo, so the same code serves the server and the js/wasm widget.
//
// The pipeline, each stage reproducing face-api's preprocessing:
//
//   - Detector (TinyFaceDetector): the image is zero-padded at the bottom or
//     right to a square, resized bilinearly to InputSize (416 by default),
//     and a TinyYolov2 with depthwise-separable convolutions scores a 13×13
//     grid of five anchor boxes; boxes scoring above the threshold survive
//     non-maximum suppression at IoU 0.4.
//   - LandmarkNet (FaceLandmark68Net): the detection box is cropped, padded to
//     a centred square and resized to 112×112; four dense blocks and a fully
//     connected layer give 68 points.
//   - RecognitionNet (FaceRecognitionNet): a square around the eyes and mouth
//     (Landmarks.AlignedBox) is resized to 150×150; a ResNet-34-like net gives
//     a 128-d Descriptor. Faces of one person are usually closer than 0.6.
//
// Tensors are NHWC float32 with batch 1, filters HWIO, and 'same' padding is
// computed as tfjs does (odd padding after the input). Convolutions split
// their output rows over GOMAXPROCS goroutines (one under js/wasm). The nets
// only read their weights, so one instance serves concurrent callers.
//
// On face-api's demo photos every stage agrees with face-api itself run on
// the same decoded pixels (see reference_test.go).
package face
