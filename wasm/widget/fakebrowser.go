//go:build !js

package widget

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"strings"
	"sync"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/models"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

// FakeBrowser implements Browser in memory for native tests: it keeps the rendered HTML,
// records announcements and posted messages, and lets a test click buttons and pick
// files. Its clock advances only when the widget sleeps, so timed sequences run at once.
type FakeBrowser struct {
	// Camera configuration; change with SetCamera while a test runs.
	camera    CameraSupport
	cameraErr error
	// DocImage is what the back camera sees; Faces what the front camera sees, in turn.
	// Nil means a synthetic document and face.
	DocImage image.Image
	Faces    []image.Image
	// DocFrames are the back camera's preview frames GrabFrame returns in turn, the
	// last one repeated; none means the preview cannot be read (no automatic capture).
	DocFrames []image.Image
	docGrabs  int
	// UserAgent and TouchPoints are what Device reports.
	UserAgent   string
	TouchPoints int
	// IsDesktop makes Device report a computer (a fine pointer); by default it reports
	// a touch screen (set it before the widget runs).
	IsDesktop bool
	// What TakeOver reports: the server's first screen and whether the user tapped
	// "I agree" before the widget ran (set with ServerPage).
	prerendered string
	agreed      bool

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	view      View
	html      string
	renders   []View
	announced []string
	posted    []Posted
	navigated []string
	topLevel  bool
	dialog    bool
	onHeight  func(int)
	lang      string
	accent    string
	listen    func(Event)
	facing    Facing // running camera, "" when off
	frame     int
	grabbed   image.Image // the frame the last GrabFrame kept
	small     map[image.Image]*image.RGBA
	fetched   []string
	logged    []string
	now       time.Time
}

// ServerPage shows the screen the server rendered into the page before the widget runs;
// agreed says the user tapped its "I agree" already (app.js then shows "preparing").
func (f *FakeBrowser) ServerPage(v View, agreed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prerendered, f.agreed = v.Name, agreed
	if agreed {
		v = View{Name: "preparing", HTML: `<div class="content center"><h1>…</h1></div>`}
	}
	f.view, f.html = v, v.HTML
}

// TakeOver implements Browser.
func (f *FakeBrowser) TakeOver() (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.prerendered, f.agreed
}

// Posted is one postMessage call.
type Posted struct {
	Msg    map[string]string
	Origin string
}

// NewFakeBrowser returns a browser with a working camera showing synthetic documents
// and faces (no real personal data).
func NewFakeBrowser() *FakeBrowser {
	return &FakeBrowser{camera: CameraAvailable, changed: make(chan struct{}),
		now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
}

// The default camera pictures are rendered once per test binary: they are slow to draw.
var (
	// A generated passport photo page (no real person): its zone is readable, and it
	// stands for every side of every document type.
	defaultDoc = sync.OnceValue(func() image.Image {
		page, _ := doctest.Render(doctest.RandomFaceless(doctest.Passport, 1, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)))
		return doctest.Photograph(page, 0, 1)
	})
	defaultFaces = sync.OnceValue(func() []image.Image {
		var out []image.Image
		for _, f := range qualitytest.FaceFrames(1, 8, 640, 480) {
			out = append(out, f)
		}
		return out
	})
)

// SetCamera sets what CameraSupport reports and what StartCamera returns.
func (f *FakeBrowser) SetCamera(s CameraSupport, startErr error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.camera, f.cameraErr = s, startErr
}

func (f *FakeBrowser) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// Render implements Browser.
func (f *FakeBrowser) Render(v View) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.view, f.html = v, v.HTML
	f.renders = append(f.renders, v)
	f.announced = append(f.announced, v.Announce)
	f.notify()
}

// Patch implements Browser on the current screen's HTML.
func (f *FakeBrowser) Patch(id, html string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.html = patchHTML(f.html, id, html)
	f.notify()
}

// Announce implements Browser.
func (f *FakeBrowser) Announce(text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.announced = append(f.announced, text)
	f.notify()
}

// Listen implements Browser.
func (f *FakeBrowser) Listen(fn func(Event)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listen = fn
}

// CameraSupport implements Browser.
func (f *FakeBrowser) CameraSupport(context.Context) CameraSupport {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.camera
}

// StartCamera implements Browser.
func (f *FakeBrowser) StartCamera(ctx context.Context, videoID string, facing Facing) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.Contains(f.html, `<video id="`+videoID+`"`) {
		return fmt.Errorf("fake: no <video id=%q> on screen %q", videoID, f.view.Name)
	}
	if f.camera != CameraAvailable {
		return ErrNoCamera
	}
	if f.cameraErr != nil {
		return f.cameraErr
	}
	f.facing = facing
	return ctx.Err()
}

// StopCamera implements Browser.
func (f *FakeBrowser) StopCamera() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.facing = ""
}

// CaptureFrame implements Browser.
func (f *FakeBrowser) CaptureFrame(_ context.Context, maxSide int, _ float64) (Photo, error) {
	f.mu.Lock()
	var img image.Image
	switch f.facing {
	case FacingEnvironment:
		img = f.DocImage
		if img == nil {
			img = defaultDoc()
		}
	case FacingUser:
		faces := f.Faces
		if len(faces) == 0 {
			faces = defaultFaces()
		}
		img = faces[f.frame%len(faces)]
		f.frame++
	}
	f.mu.Unlock()
	if img == nil {
		return Photo{}, ErrCameraFailed
	}
	return EncodePhoto(img, maxSide), nil
}

// GrabFrame implements Browser: the front camera shows Faces in turn, one per call.
func (f *FakeBrowser) GrabFrame(_ context.Context, maxSide int) (*image.RGBA, error) {
	f.mu.Lock()
	var img image.Image
	switch {
	case f.facing == FacingEnvironment && len(f.DocFrames) > 0:
		img = f.DocFrames[min(f.docGrabs, len(f.DocFrames)-1)]
		f.docGrabs++
		f.notify()
	case f.facing == FacingUser:
		faces := f.Faces
		if len(faces) == 0 {
			faces = defaultFaces()
		}
		img = faces[f.frame%len(faces)]
		f.frame++
	default:
		f.mu.Unlock()
		return nil, ErrCameraFailed
	}
	f.grabbed = img
	if s := f.small[img]; s != nil && s.Bounds().Dx() <= maxSide && s.Bounds().Dy() <= maxSide {
		f.mu.Unlock()
		return s, nil
	}
	f.mu.Unlock()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if m := max(w, h); m > maxSide {
		w, h = max(1, w*maxSide/m), max(1, h*maxSide/m)
	}
	small := qualitytest.Resize(img, w, h)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			out.Set(x, y, small.At(small.Bounds().Min.X+x, small.Bounds().Min.Y+y))
		}
	}
	f.mu.Lock()
	if f.small == nil {
		f.small = map[image.Image]*image.RGBA{}
	}
	f.small[img] = out
	f.mu.Unlock()
	return out, nil
}

// DocGrabs is the number of document preview frames GrabFrame returned.
func (f *FakeBrowser) DocGrabs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.docGrabs
}

// EncodeGrabbed implements Browser.
func (f *FakeBrowser) EncodeGrabbed(context.Context, float64) (Photo, error) {
	f.mu.Lock()
	img := f.grabbed
	f.mu.Unlock()
	if img == nil {
		return Photo{}, ErrCameraFailed
	}
	return EncodePhoto(img, FaceMaxSide), nil
}

// Fetch implements Browser: it serves the face networks' weights at the paths the
// server serves them.
func (f *FakeBrowser) Fetch(_ context.Context, path string) ([]byte, error) {
	f.mu.Lock()
	f.fetched = append(f.fetched, path)
	f.mu.Unlock()
	rest, ok := strings.CutPrefix(path, "/embed/models/")
	hash, name, _ := strings.Cut(rest, "/")
	if !ok || len(hash) < 16 || !strings.HasPrefix(models.SHA256[name], hash) {
		return nil, ErrFetch
	}
	return models.Files[name], nil
}

// Fetched returns every path fetched.
func (f *FakeBrowser) Fetched() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.fetched...)
}

// Log implements Browser.
func (f *FakeBrowser) Log(line string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logged = append(f.logged, line)
}

// Logged returns the console lines.
func (f *FakeBrowser) Logged() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.logged...)
}

// EncodePhoto prepares img as the browser would: downscaled to maxSide, JPEG.
func EncodePhoto(img image.Image, maxSide int) Photo {
	b := img.Bounds()
	if w, h := b.Dx(), b.Dy(); max(w, h) > maxSide {
		if w >= h {
			img = qualitytest.Resize(img, maxSide, h*maxSide/w)
		} else {
			img = qualitytest.Resize(img, w*maxSide/h, maxSide)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return Photo{JPEG: buf.Bytes(), Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
}

// PostMessage implements Browser.
func (f *FakeBrowser) PostMessage(msg map[string]string, origin string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posted = append(f.posted, Posted{Msg: msg, Origin: origin})
	f.notify()
}

// SetTheme implements Browser.
func (f *FakeBrowser) SetTheme(lang, accent, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lang, f.accent = lang, accent
}

// Device implements Browser.
func (f *FakeBrowser) Device() Device {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Device{UserAgent: f.UserAgent, TouchPoints: f.TouchPoints, CoarsePointer: !f.IsDesktop}
}

// Now implements Browser.
func (f *FakeBrowser) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Sleep implements Browser: it advances the fake clock by d at once (plus a millisecond
// of real time, so polling loops do not spin).
func (f *FakeBrowser) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Millisecond):
		return nil
	}
}

// Screen is the data-screen of the current screen.
func (f *FakeBrowser) Screen() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.view.Name
}

// HTML is the current content of <main>, patches included.
func (f *FakeBrowser) HTML() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.html
}

// Attr is an extra attribute of <main> on the current screen.
func (f *FakeBrowser) Attr(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.view.Attrs[name]
}

// Has reports whether the current screen has an element with the id.
func (f *FakeBrowser) Has(id string) bool { return strings.Contains(f.HTML(), ` id="`+id+`"`) }

// Renders returns every screen rendered so far.
func (f *FakeBrowser) Renders() []View {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]View(nil), f.renders...)
}

// Announced returns every text sent to the aria-live region.
func (f *FakeBrowser) Announced() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.announced...)
}

// Posted returns every postMessage call.
func (f *FakeBrowser) Posted() []Posted {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Posted(nil), f.posted...)
}

// Navigated returns every URL the top-level page was sent to.
func (f *FakeBrowser) Navigated() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.navigated...)
}

// Theme returns what SetTheme set.
func (f *FakeBrowser) Theme() (lang, accent string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lang, f.accent
}

// Wait blocks until cond (called with the browser locked) holds, or fails after timeout.
func (f *FakeBrowser) Wait(timeout time.Duration, what string, cond func() bool) error {
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		ok, ch := cond(), f.changed
		f.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-deadline:
			return fmt.Errorf("fake: timed out waiting for %s; screen %q: %s", what, f.Screen(), f.HTML())
		}
	}
}

// WaitScreen waits until the screen with the given data-screen is shown.
func (f *FakeBrowser) WaitScreen(name string) error {
	return f.Wait(15*time.Second, "screen "+name, func() bool { return f.view.Name == name })
}

// Click presses the button with the id, waiting up to 5 s for it to be on screen and
// enabled. It fails for anything but an enabled <button>.
func (f *FakeBrowser) Click(id string) error {
	var fn func(Event)
	err := f.Wait(5*time.Second, "enabled button #"+id, func() bool {
		fn = f.listen
		tag := elementTag(f.html, id)
		return strings.HasPrefix(tag, "<button ") && !strings.Contains(tag, " disabled")
	})
	if err != nil {
		return err
	}
	fn(Event{Type: Click, ID: id})
	return nil
}

// PickFile chooses img in the screen's #file-input, prepared as the browser would.
func (f *FakeBrowser) PickFile(img image.Image) error {
	return f.pick(Event{Type: FilePicked, ID: "file-input", Photo: EncodePhoto(img, DocMaxSide)})
}

// PickUnreadableFile chooses a file the browser cannot decode.
func (f *FakeBrowser) PickUnreadableFile() error {
	return f.pick(Event{Type: FilePicked, ID: "file-input", Err: ErrUnreadable})
}

func (f *FakeBrowser) pick(e Event) error {
	f.mu.Lock()
	fn, tag := f.listen, elementTag(f.html, "file-input")
	f.mu.Unlock()
	if !strings.HasPrefix(tag, `<input type="file"`) {
		return errors.New("fake: no file input on screen " + f.Screen())
	}
	fn(e)
	return nil
}

// elementTag returns the start tag of the element with the id, or "".
func elementTag(doc, id string) string {
	i := strings.Index(doc, ` id="`+id+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(doc[:i], "<")
	end := strings.Index(doc[i:], ">")
	return doc[start : i+end+1]
}

// patchHTML replaces the inner HTML of the element with the id, counting nested
// elements of the same tag to find its end. Enough for the widget's own markup.
func patchHTML(doc, id, inner string) string {
	tag := elementTag(doc, id)
	if tag == "" {
		return doc
	}
	name := strings.FieldsFunc(tag[1:], func(r rune) bool { return r == ' ' || r == '>' })[0]
	open := strings.Index(doc, tag) + len(tag)
	depth, j := 1, open
	for depth > 0 {
		k := strings.Index(doc[j:], "<")
		if k < 0 {
			return doc
		}
		j += k
		rest := doc[j:]
		switch {
		case strings.HasPrefix(rest, "</"+name+">"):
			depth--
		case strings.HasPrefix(rest, "<"+name+" ") || strings.HasPrefix(rest, "<"+name+">"):
			depth++
		}
		if depth > 0 {
			j++
		}
	}
	return doc[:open] + inner + doc[j:]
}

var _ Browser = (*FakeBrowser)(nil)
