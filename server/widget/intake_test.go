package widget_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"net/http"
	"strconv"
	"testing"
	"time"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/imageintake"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// What is stored is the decoded image re-encoded: a PNG becomes a JPEG, and EXIF and
// appended bytes from the upload are gone.
func TestUploadStoresReencodedImage(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		api, _ := widgetFor(t, srv, p, "exif")
		const id, front, back = widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, widgetv1.DocumentSide_DOCUMENT_SIDE_BACK

		doc := jpegBytes(t, qualitytest.Document(21, 1600, 1000), 90)
		exif := []byte("Exif\x00\x00MM\x00*GPSLatitude 48.8584")
		withExif := append([]byte{0xff, 0xd8, 0xff, 0xe1, 0, byte(len(exif) + 2)}, exif...)
		withExif = append(append(withExif, doc[2:]...), "PK\x03\x04polyglot"...)
		var pngDoc bytes.Buffer
		if err := png.Encode(&pngDoc, qualitytest.Document(22, 1600, 1000)); err != nil {
			t.Fatal(err)
		}
		if _, err := upload(api, id, front, withExif); err != nil {
			t.Fatal(err)
		}
		if _, err := upload(api, id, back, append(pngDoc.Bytes(), "trailer"...)); err != nil {
			t.Fatal(err)
		}

		rows, err := srv.Store.DB().Query(`SELECT id, content_type FROM case_images`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var imgID, ct string
			if err := rows.Scan(&imgID, &ct); err != nil {
				t.Fatal(err)
			}
			n++
			sealed, err := srv.Store.Read().ImageData(context.Background(), imgID)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := srv.Keys.Open(sealed, store.ImageAAD(imgID))
			if err != nil {
				t.Fatal(err)
			}
			info, err := imageintake.Inspect(raw, imageintake.DefaultLimits)
			if err != nil || ct != imageintake.TypeJPEG || info.ContentType != imageintake.TypeJPEG || info.Trailing != 0 || info.Width != 1600 {
				t.Errorf("stored %s: %+v, %v", ct, info, err)
			}
			for _, s := range []string{"Exif", "GPS", "PK\x03\x04", "trailer"} {
				if bytes.Contains(raw, []byte(s)) {
					t.Errorf("stored image keeps %q", s)
				}
			}
		}
		if n != 2 {
			t.Errorf("%d images stored, want 2", n)
		}
	})
}

// When every decode slot stays taken, an upload is refused as unavailable (retry
// later) instead of queueing without bound.
func TestUploadWhenDecodersBusy(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		api, res := widgetFor(t, srv, p, "busy")
		seen := &lastResponse{}
		watched := rpc.New(srv.URL, rpc.HTTPTransport(&http.Client{Transport: seen}))
		watched.SetToken(res.GetWidgetToken())
		doc := jpegBytes(t, qualitytest.Document(23, 1600, 1000), 90)

		defer imageintake.SetMaxConcurrentDecodes(imageintake.MaxConcurrentDecodes())
		imageintake.SetMaxConcurrentDecodes(1)
		hold, held, done := make(chan struct{}), make(chan struct{}), make(chan error)
		go func() {
			_, err := imageintake.WithDecoded(context.Background(), doc, imageintake.DefaultLimits, func(image.Image, imageintake.Info) error {
				close(held)
				<-hold
				return nil
			})
			done <- err
		}()
		<-held
		_, err := upload(watched, widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, doc)
		var e *rpc.Error
		if !errors.As(err, &e) || e.Slug != "unavailable" || e.Code != "unavailable" {
			t.Errorf("upload while busy: %v, want unavailable", err)
		}
		want := strconv.Itoa(int(imageintake.BusyRetryAfter / time.Second))
		if seen.res == nil || seen.res.StatusCode != http.StatusServiceUnavailable || seen.res.Header.Get("Retry-After") != want {
			t.Errorf("busy response: %v, want 503 with Retry-After: %s", seen.res, want)
		}
		close(hold)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if _, err := upload(api, widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, doc); err != nil {
			t.Errorf("upload once a slot is free: %v", err)
		}
	})
}

// lastResponse is an HTTP transport that keeps the last response it saw.
type lastResponse struct{ res *http.Response }

func (l *lastResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	l.res = res
	return res, err
}
