package console

import (
	"image"
	"net/http"

	"github.com/rampart-id/rampart/face"
)

// portraitSlots bounds face detections in flight: each takes a CPU for a moment.
var portraitSlots = make(chan struct{}, 2)

// portraitMargin widens the detected face box to a passport-photo frame (hair, chin).
const portraitMargin = 0.6

// portrait serves the document's portrait: the largest face the detector finds on the
// photo side, with a margin; the whole side when it finds none.
func (c *Console) portrait(w http.ResponseWriter, r *http.Request) {
	img, ok := c.loadImage(w, r)
	if !ok {
		return
	}
	select {
	case portraitSlots <- struct{}{}:
		defer func() { <-portraitSlots }()
	case <-r.Context().Done():
		return
	}
	c.serveCrop(w, r, img, func(src image.Image) image.Rectangle {
		dets, err := face.Detect(src, face.DetectOptions{})
		if err != nil || len(dets) == 0 {
			return src.Bounds()
		}
		best := dets[0]
		for _, d := range dets[1:] {
			if d.Box.Width*d.Box.Height > best.Box.Width*best.Box.Height {
				best = d
			}
		}
		b := best.Box
		mx, my := b.Width*portraitMargin, b.Height*portraitMargin
		return image.Rect(int(b.X-mx), int(b.Y-my), int(b.X+b.Width+mx), int(b.Y+b.Height+my))
	})
}
