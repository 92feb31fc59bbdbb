// Package models embeds pretrained network weights from the npm package
// @vladmandic/face-api@1.7.15 (MIT, see LICENSE-face-api and README.md).
//
// Each network is a tfjs weights manifest (JSON naming tensors, shapes and
// the uint8 quantization) plus one binary shard holding the tensor data in
// manifest order.
package models

import _ "embed"

// TinyFaceDetector is the tiny face detector (TinyYolov2 with separable convs).
var (
	//go:embed tiny_face_detector_model-weights_manifest.json
	TinyFaceDetectorManifest []byte
	//go:embed tiny_face_detector_model.bin
	TinyFaceDetectorBin []byte
)

// FaceLandmark68 is the 68-point landmark net.
var (
	//go:embed face_landmark_68_model-weights_manifest.json
	FaceLandmark68Manifest []byte
	//go:embed face_landmark_68_model.bin
	FaceLandmark68Bin []byte
)

// FaceRecognition is the ResNet-34-like 128-d descriptor net.
var (
	//go:embed face_recognition_model-weights_manifest.json
	FaceRecognitionManifest []byte
	//go:embed face_recognition_model.bin
	FaceRecognitionBin []byte
)

//go:embed LICENSE-face-api
var License []byte

// Files maps each embedded file name to its contents, for checks and tools.
var Files = map[string][]byte{
	"tiny_face_detector_model-weights_manifest.json": TinyFaceDetectorManifest,
	"tiny_face_detector_model.bin":                   TinyFaceDetectorBin,
	"face_landmark_68_model-weights_manifest.json":   FaceLandmark68Manifest,
	"face_landmark_68_model.bin":                     FaceLandmark68Bin,
	"face_recognition_model-weights_manifest.json":   FaceRecognitionManifest,
	"face_recognition_model.bin":                     FaceRecognitionBin,
	"LICENSE-face-api":                               License,
}

// SHA256 lists the expected SHA-256 (hex) of each embedded file; README.md
// lists the same values.
var SHA256 = map[string]string{
	"LICENSE-face-api": "9a3442b79acaf4fbc7c2e07b7e2d8f84af9bb3871bf08a69d80304ab00640e9a",
	"face_landmark_68_model-weights_manifest.json":   "ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9",
	"face_landmark_68_model.bin":                     "4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b",
	"face_recognition_model-weights_manifest.json":   "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
	"face_recognition_model.bin":                     "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
	"tiny_face_detector_model-weights_manifest.json": "5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5",
	"tiny_face_detector_model.bin":                   "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871",
}
