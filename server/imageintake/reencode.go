package imageintake

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
)

// ReencodeQuality is the JPEG quality of stored images: high enough that the
// quality checks (blur, exposure, glare) and document matching see the same
// picture the user sent.
const ReencodeQuality = 90

// Reencode writes img as a plain baseline JPEG (content type TypeJPEG), so
// that what is stored is exactly what was decoded and checked: no EXIF (GPS,
// device), no other metadata segments, no bytes after the image, whatever
// the upload carried. Pixels are kept in decoded orientation: EXIF rotation
// is not applied (it was never honoured, and the stored image must match what
// the quality checks saw).
func Reencode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: ReencodeQuality}); err != nil {
		return nil, fmt.Errorf("imageintake: re-encoding: %w", err)
	}
	return buf.Bytes(), nil
}
