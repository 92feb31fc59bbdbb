package face

import "image"

// Face is one detected face with its landmarks and descriptor.
type Face struct {
	Detection
	Landmarks  *Landmarks
	Descriptor *Descriptor
}

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
