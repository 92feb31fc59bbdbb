//go:build !(js && wasm)

package face

import (
	"image"
	"sync"

	"github.com/rampart-id/rampart/models"
)

// The networks built from the weights embedded in the models package. They are left
// out of WebAssembly builds, so a browser binary does not carry ~7 MB of weights: it
// fetches the weights it needs and builds the networks with ParseWeights.

var defaultDetector = sync.OnceValues(func() (*Detector, error) {
	w, err := ParseWeights(models.TinyFaceDetectorManifest, models.TinyFaceDetectorBin)
	if err != nil {
		return nil, err
	}
	return NewDetector(w)
})

// DefaultDetector returns the detector built from the embedded weights,
// loading it on first use.
func DefaultDetector() (*Detector, error) { return defaultDetector() }

// Detect runs the default detector; see Detector.Detect.
func Detect(img image.Image, opts DetectOptions) ([]Detection, error) {
	d, err := DefaultDetector()
	if err != nil {
		return nil, err
	}
	return d.Detect(img, opts)
}

var defaultLandmarkNet = sync.OnceValues(func() (*LandmarkNet, error) {
	w, err := ParseWeights(models.FaceLandmark68Manifest, models.FaceLandmark68Bin)
	if err != nil {
		return nil, err
	}
	return NewLandmarkNet(w)
})

// DefaultLandmarkNet returns the landmark net built from the embedded
// weights, loading it on first use.
func DefaultLandmarkNet() (*LandmarkNet, error) { return defaultLandmarkNet() }

var defaultRecognitionNet = sync.OnceValues(func() (*RecognitionNet, error) {
	w, err := ParseWeights(models.FaceRecognitionManifest, models.FaceRecognitionBin)
	if err != nil {
		return nil, err
	}
	return NewRecognitionNet(w)
})

// DefaultRecognitionNet returns the recognition net built from the embedded
// weights, loading it on first use.
func DefaultRecognitionNet() (*RecognitionNet, error) { return defaultRecognitionNet() }

// DetectAll runs detection, landmarks and descriptors with the embedded
// weights, like face-api's
// detectAllFaces(img, options).withFaceLandmarks().withFaceDescriptors().
func DetectAll(img image.Image, opts DetectOptions) ([]Face, error) {
	dets, err := Detect(img, opts)
	if err != nil || len(dets) == 0 {
		return nil, err
	}
	ln, err := DefaultLandmarkNet()
	if err != nil {
		return nil, err
	}
	rn, err := DefaultRecognitionNet()
	if err != nil {
		return nil, err
	}
	faces := make([]Face, 0, len(dets))
	for _, d := range dets {
		lm, err := ln.Landmarks(img, d.Box)
		if err != nil {
			return nil, err
		}
		desc, err := rn.Descriptor(img, lm)
		if err != nil {
			return nil, err
		}
		faces = append(faces, Face{d, lm, desc})
	}
	return faces, nil
}
