package quality

import (
	"image"
	"math/bits"
)

// SameImageMaxDistance is the largest Hamming distance between two
// AverageHash values that still suggests the same photo. Re-encoding and
// resizing change at most a bit or two; a 1% crop up to ~9.
const SameImageMaxDistance = 4

// AverageHash returns a 64-bit perceptual hash: the image is reduced to 8x8
// gray cells and each bit says whether a cell is brighter than the mean.
// Re-encoding or resizing barely changes it, so it finds the same document
// photo submitted again by another user.
//
// Its 64 bits only see the coarse layout of the frame, and document photos
// share much of it (a card centred on a darker desk). Different designs are
// usually, not always, far apart; two cards of one design printed for
// different people typically differ by only a few bits. Treat a match as a
// candidate for a closer comparison or for review, never as proof.
func AverageHash(img image.Image) uint64 {
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
		return 0
	}
	g := grayTo(img, 8, 8)
	sum := 0
	for _, v := range g.Pix {
		sum += int(v)
	}
	var h uint64
	for i, v := range g.Pix {
		// Compare v against the mean without rounding: v*64 > sum.
		if int(v)*64 > sum {
			h |= 1 << uint(63-i)
		}
	}
	return h
}

// HammingDistance counts the bits in which two hashes differ (0-64).
func HammingDistance(a, b uint64) int {
	return bits.OnesCount64(a ^ b)
}

// FrameDifference returns the mean absolute difference, 0-255, between two
// gray frames of a liveness sequence. A still picture held to the camera
// scores near 0; a person breathing, blinking and turning scores more.
// Frames should have the same size (use Gray with the same maxSide on
// same-size captures); otherwise only their overlapping top-left area is
// compared, and frames with no overlap score 0.
func FrameDifference(a, b *image.Gray) float64 {
	w := min(a.Rect.Dx(), b.Rect.Dx())
	h := min(a.Rect.Dy(), b.Rect.Dy())
	if w <= 0 || h <= 0 {
		return 0
	}
	var sum uint64
	for y := range h {
		ra := a.Pix[y*a.Stride : y*a.Stride+w]
		rb := b.Pix[y*b.Stride : y*b.Stride+w]
		for x, va := range ra {
			d := int(va) - int(rb[x])
			if d < 0 {
				d = -d
			}
			sum += uint64(d)
		}
	}
	return float64(sum) / float64(w*h)
}
