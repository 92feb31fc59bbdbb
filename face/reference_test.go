package face

import (
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"
)

type referenceFace struct {
	Score      float64        `json:"score"`
	Box        [4]float64     `json:"box"`
	Landmarks  [68][2]float64 `json:"landmarks"`
	Aligned    [4]float64     `json:"aligned"`
	Descriptor Descriptor     `json:"descriptor"`
}

// TestMatchesFaceAPI runs the whole pipeline on the six demo photos and
// compares every stage with face-api's own output on the same pixels.
func TestMatchesFaceAPI(t *testing.T) {
	data, err := os.ReadFile("testdata/faceapi_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Images map[string][]referenceFace `json:"images"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Images) != 6 {
		t.Fatalf("reference has %d images, want 6", len(ref.Images))
	}
	ln, err := DefaultLandmarkNet()
	if err != nil {
		t.Fatal(err)
	}
	rn, err := DefaultRecognitionNet()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(ref.Images))
	for n := range ref.Images {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		want := ref.Images[name]
		t.Run(name, func(t *testing.T) {
			img := loadImage(t, name)
			dets, err := Detect(img, DetectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(dets) != len(want) {
				t.Fatalf("%d faces, face-api %d", len(dets), len(want))
			}
			for i, w := range want {
				d := dets[i]
				if math.Abs(d.Score-w.Score) > 0.003 {
					t.Errorf("face %d: score %.4f, face-api %.4f", i, d.Score, w.Score)
				}
				got := [4]float64{d.Box.X, d.Box.Y, d.Box.Width, d.Box.Height}
				for k := range got {
					if math.Abs(got[k]-w.Box[k]) > 0.5 {
						t.Errorf("face %d: box %.2f, face-api %.2f", i, got, w.Box)
						break
					}
				}

				lm, err := ln.Landmarks(img, d.Box)
				if err != nil {
					t.Fatal(err)
				}
				worst := 0.0
				for k, p := range lm {
					worst = max(worst, math.Hypot(p.X-w.Landmarks[k][0], p.Y-w.Landmarks[k][1]))
				}
				if worst > 0.3 {
					t.Errorf("face %d: a landmark is %.2f px from face-api's", i, worst)
				}

				// The same crop face-api used must give its descriptor.
				a := w.Aligned
				desc, err := rn.DescriptorBox(img, Rect{a[0], a[1], a[2], a[3]})
				if err != nil {
					t.Fatal(err)
				}
				if dist := desc.Distance(&w.Descriptor); dist > 0.01 {
					t.Errorf("face %d: descriptor %.4f from face-api's on the same crop", i, dist)
				}
				// And so must the crop from this package's own landmarks.
				own, err := rn.Descriptor(img, lm)
				if err != nil {
					t.Fatal(err)
				}
				dist := own.Distance(&w.Descriptor)
				if dist > 0.01 {
					t.Errorf("face %d: descriptor %.4f from face-api's", i, dist)
				}
				t.Logf("face %d: score %.4f (face-api %.4f), worst landmark %.3f px, descriptor distance %.4f", i, d.Score, w.Score, worst, dist)
			}
		})
	}
}
