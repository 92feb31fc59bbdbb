package widget

import (
	"context"
	"image"
	"sync"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/quality"
)

// The selfie step's face detection: frames DetectSide pixels long, the detector's input
// DetectInput pixels square (small is fast; the face fills a good part of the frame).
const (
	DetectSide  = 320
	DetectInput = 160
)

// modelFiles are the weight files the widget fetches (the detector's and the landmark
// net's manifest and shard, in the order ParseWeights takes them) with the first hex
// digits of their SHA-256, which name them in the server's URL. A native test checks
// them against the models package.
var modelFiles = [4]struct{ name, hash string }{
	{"tiny_face_detector_model-weights_manifest.json", "5d1af4849ac48d5b"},
	{"tiny_face_detector_model.bin", "b7503ce7df31039b"},
	{"face_landmark_68_model-weights_manifest.json", "ca4886639f86e99b"},
	{"face_landmark_68_model.bin", "4611ef65c87d836d"},
}

// modelPath is where the server serves a weight file; the content hash in the path lets
// the browser cache it for good.
func modelPath(name, hash string) string { return "/embed/models/" + hash + "/" + name }

// poseFinder measures the head pose of the largest face in a frame.
type poseFinder interface {
	pose(img *image.RGBA) liveness.Pose
}

// faceNets are the detector and the landmark net.
type faceNets struct {
	det *face.Detector
	lm  *face.LandmarkNet
}

func (n *faceNets) pose(img *image.RGBA) liveness.Pose {
	dets, err := n.det.Detect(img, face.DetectOptions{InputSize: DetectInput})
	if err != nil || len(dets) == 0 {
		return liveness.Pose{}
	}
	best := dets[0]
	for _, d := range dets[1:] {
		if d.Box.Width*d.Box.Height > best.Box.Width*best.Box.Height {
			best = d
		}
	}
	lm, err := n.lm.Landmarks(img, best.Box)
	if err != nil {
		return liveness.Pose{}
	}
	b := img.Bounds()
	return liveness.PoseOf(lm, best.Box, b.Dx(), b.Dy())
}

// loadNets fetches the weights from the widget's origin and builds the networks.
func loadNets(ctx context.Context, b Browser) (poseFinder, error) {
	var data [len(modelFiles)][]byte
	var errs [len(modelFiles)]error
	var wg sync.WaitGroup
	for i, f := range modelFiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data[i], errs[i] = b.Fetch(ctx, modelPath(f.name, f.hash))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	dw, err := face.ParseWeights(data[0], data[1])
	if err != nil {
		return nil, err
	}
	det, err := face.NewDetector(dw)
	if err != nil {
		return nil, err
	}
	lw, err := face.ParseWeights(data[2], data[3])
	if err != nil {
		return nil, err
	}
	lm, err := face.NewLandmarkNet(lw)
	if err != nil {
		return nil, err
	}
	return &faceNets{det: det, lm: lm}, nil
}

// faceCache builds the networks once per session, on first use; a failed load is tried
// again on the next.
type faceCache struct {
	mu   sync.Mutex
	f    poseFinder
	load func(ctx context.Context) (poseFinder, error)
}

func (c *faceCache) get(ctx context.Context) (poseFinder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f != nil {
		return c.f, nil
	}
	f, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	c.f = f
	return f, nil
}

// tooDark reports whether a frame is too dark to find a face reliably, by the mean
// luminance bound of the document quality checks (every fourth pixel is enough).
func tooDark(img *image.RGBA) bool {
	var sum, n uint64
	for i := 0; i+2 < len(img.Pix); i += 16 {
		p := img.Pix[i : i+3 : i+3]
		sum += (299*uint64(p[0]) + 587*uint64(p[1]) + 114*uint64(p[2])) / 1000
		n++
	}
	return n > 0 && float64(sum)/float64(n) < quality.MinMeanLuminance
}
