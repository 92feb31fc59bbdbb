package reference

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // decoders for Run's encoded images
	_ "image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rampart-id/rampart/internal/testenv"

	"github.com/rampart-id/rampart/internal/browser"
)

//go:embed page.html
var pageHTML []byte

// Face is one face face-api found. All coordinates are in pixels of the input image.
type Face struct {
	Box        [4]float64     `json:"box"` // x, y, width, height of the detection
	Score      float64        `json:"score"`
	Landmarks  [68][2]float64 `json:"landmarks"` // x, y of the iBUG 68 points
	Descriptor [128]float32   `json:"descriptor"`
	// AlignedBox is the square crop (x, y, width, height) face-api derives from the
	// landmarks and feeds, resized to 150x150, to the descriptor network.
	AlignedBox [4]float64 `json:"alignedBox"`
}

// Timing is the browser's wall time for one image, in milliseconds. Each stage is the
// span from the first call of its network to the end of the last, so per-face cost is
// the stage time divided by the number of faces. Total also includes face-api's crop
// extraction between stages.
type Timing struct {
	DetectorMs   float64 `json:"detectorMs"`
	LandmarksMs  float64 `json:"landmarksMs"`
	DescriptorMs float64 `json:"descriptorMs"`
	TotalMs      float64 `json:"totalMs"`
}

// Result is face-api's answer for one image.
type Result struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Faces  []Face `json:"faces"` // in face-api's order
	Timing Timing `json:"timing"`
}

// Options configure the tiny face detector.
type Options struct {
	InputSize      int     // the detector's square input, a multiple of 32; default 416
	ScoreThreshold float64 // detections below are dropped; default 0.5
	// Browsers is how many Chromium instances share the images; default 1. More use
	// more cores but make the stage timings compete for them.
	Browsers int
	// Warmup runs each browser's first image once untimed before the real runs. The
	// first inference in a fresh page pays for JavaScript compilation and allocation,
	// roughly doubling its detector time, which a benchmark should not report.
	Warmup bool
}

// Run decodes the images (JPEG or PNG, with Go's decoders) and returns the faces
// face-api finds in each, keyed like images.
func Run(t testing.TB, images map[string][]byte, inputSize int, scoreThreshold float64) map[string][]Face {
	t.Helper()
	decoded := make(map[string]image.Image, len(images))
	for name, b := range images {
		img, _, err := image.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		decoded[name] = img
	}
	res := RunImages(t, decoded, Options{InputSize: inputSize, ScoreThreshold: scoreThreshold})
	out := make(map[string][]Face, len(res))
	for name, r := range res {
		out[name] = r.Faces
	}
	return out
}

// RunImages runs face-api (tiny face detector, 68-point landmarks, recognition net) in
// headless Chromium on each image and returns everything it found, with timings. The
// pixels are handed to the page raw, so the browser's own image decoding and colour
// management play no part. It skips in -short mode and when Chromium or npm is missing.
func RunImages(t testing.TB, images map[string]image.Image, o Options) map[string]Result {
	t.Helper()
	if testing.Short() {
		t.Skip("face-api reference runs a browser; skipped in -short mode")
	}
	if o.InputSize%32 != 0 {
		t.Fatalf("reference: InputSize %d is not a multiple of 32", o.InputSize)
	}
	exe := testenv.Chromium(t)
	pkg := PackageDir(t)
	res, err := run(context.Background(), exe, pkg, images, o, func() (string, error) { return t.TempDir(), nil })
	if err != nil {
		if res.console != nil {
			t.Logf("browser %d console:\n%s", res.failed, joinLines(res.console))
		}
		t.Fatalf("reference: %v", err)
	}
	t.Logf("reference: face-api in Chromium (%d browsers): %s", res.browsers, res.info)
	return res.out
}

// ErrUnavailable marks RunTimed errors that mean the reference cannot run on this
// machine at all (no Chromium, or npm cannot fetch face-api), as opposed to a failure
// while running.
var ErrUnavailable = errors.New("face-api reference unavailable")

// RunTimed is RunImages for programs that are not tests: it returns an error instead
// of failing or skipping, and one wrapping ErrUnavailable when Chromium or the face-api
// package cannot be had. Chromium is looked up like the tests do (RAMPART_CHROMIUM,
// then PATH). The Timing of each Result is the browser's per-stage wall time.
func RunTimed(ctx context.Context, images map[string]image.Image, o Options) (map[string]Result, error) {
	if o.InputSize%32 != 0 {
		return nil, fmt.Errorf("reference: InputSize %d is not a multiple of 32", o.InputSize)
	}
	exe, err := chromiumPath()
	if err != nil {
		return nil, err
	}
	pkg, err := packageDir()
	if errors.Is(err, errNPM) {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if err != nil {
		return nil, fmt.Errorf("face-api package: %w", err)
	}
	var dirs []string
	defer func() {
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	}()
	res, err := run(ctx, exe, pkg, images, o, func() (string, error) {
		d, err := os.MkdirTemp("", "rampart-faceapi-")
		if err == nil {
			dirs = append(dirs, d)
		}
		return d, err
	})
	if err != nil {
		if res.console != nil {
			return nil, fmt.Errorf("reference: %w; browser %d console:\n%s", err, res.failed, joinLines(res.console))
		}
		return nil, fmt.Errorf("reference: %w", err)
	}
	return res.out, nil
}

// chromiumPath finds Chromium the way the tests' helper does, without a testing.TB.
func chromiumPath() (string, error) {
	if p := os.Getenv("RAMPART_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("%w: RAMPART_CHROMIUM=%s is not an executable: %v", ErrUnavailable, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no Chromium found (apt-get install chromium, or set RAMPART_CHROMIUM)", ErrUnavailable)
}

type runResult struct {
	out      map[string]Result
	info     string // the first browser's version line
	browsers int
	failed   int      // which browser failed, when one did
	console  []string // that browser's console
}

// run serves the page, the package and the images and works through them in
// o.Browsers Chromium instances, each with a profile directory from tempDir.
func run(ctx context.Context, exe, pkg string, images map[string]image.Image, o Options, tempDir func() (string, error)) (runResult, error) {
	if o.InputSize == 0 {
		o.InputSize = 416
	}
	if o.ScoreThreshold == 0 {
		o.ScoreThreshold = 0.5
	}
	names := make([]string, 0, len(images))
	raw := make(map[string]*image.RGBA, len(images))
	for name, img := range images {
		names = append(names, name)
		raw[name] = Pixels(img)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return runResult{out: map[string]Result{}}, nil
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(pageHTML)
	})
	mux.Handle("/dist/", http.FileServer(http.Dir(pkg)))
	mux.Handle("/model/", http.FileServer(http.Dir(pkg)))
	mux.HandleFunc("/img/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= len(names) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(raw[names[i]].Pix)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// Each browser works through its share of the images on one renderer thread, so
	// several browsers use several cores.
	n := min(max(o.Browsers, 1), len(names))
	type batch struct {
		out     map[string]Result
		info    string
		console []string
		err     error
	}
	batches := make([]batch, n)
	var wg sync.WaitGroup
	for b := range n {
		var mine []int
		for i := b; i < len(names); i += n {
			mine = append(mine, i)
		}
		dir, err := tempDir()
		if err != nil {
			return runResult{}, err
		}
		wg.Go(func() {
			bt := &batches[b]
			bt.out = map[string]Result{}
			bt.info, bt.console, bt.err = session(ctx, exe, dir, srv.URL, func(eval evalFunc) error {
				if o.Warmup {
					img := raw[names[mine[0]]]
					js := fmt.Sprintf(`window.detect("/img/%d", %d, %d, %d, %v)`, mine[0], img.Rect.Dx(), img.Rect.Dy(), o.InputSize, o.ScoreThreshold)
					if _, err := eval(2*time.Minute, js); err != nil {
						return fmt.Errorf("warm-up on %s: %w", names[mine[0]], err)
					}
				}
				for _, i := range mine {
					img := raw[names[i]]
					w, h := img.Rect.Dx(), img.Rect.Dy()
					js := fmt.Sprintf(`window.detect("/img/%d", %d, %d, %d, %v)`, i, w, h, o.InputSize, o.ScoreThreshold)
					s, err := eval(2*time.Minute, js)
					if err != nil {
						return fmt.Errorf("%s: %w", names[i], err)
					}
					var r Result
					if err := json.Unmarshal([]byte(s), &r); err != nil {
						return fmt.Errorf("%s: decode page result: %w", names[i], err)
					}
					r.Width, r.Height = w, h
					if r.Faces == nil {
						r.Faces = []Face{}
					}
					bt.out[names[i]] = r
				}
				return nil
			})
		})
	}
	wg.Wait()
	out := make(map[string]Result, len(names))
	for b, bt := range batches {
		if bt.err != nil {
			return runResult{browsers: n, failed: b, console: bt.console}, bt.err
		}
		maps.Copy(out, bt.out)
	}
	return runResult{out: out, info: batches[0].info, browsers: n}, nil
}

type evalFunc func(timeout time.Duration, js string) (string, error)

// session starts a private headless Chromium (the tests' usual flags), opens the page, waits for face-api and
// the models, and hands work an evaluator. It returns the page's version line and
// console.
func session(ctx context.Context, exe, userDataDir, url string, work func(evalFunc) error) (info string, console []string, err error) {
	flags := append(browser.Flags(exe, userDataDir),
		// Inference runs for seconds in a page nobody looks at; keep its timers and
		// renderer at full priority.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(ctx, flags...)
	defer cancelA()
	ctx, cancelC := chromedp.NewContext(actx, chromedp.WithErrorf(func(string, ...any) {}))
	defer cancelC()
	// Start the browser first: a deadline on this first call would bound its whole life.
	if err := chromedp.Do(ctx); err != nil {
		return "", nil, fmt.Errorf("start chromium %s: %w", exe, err)
	}
	// Keep the page's console and uncaught errors for the log of a failed test.
	lines := browser.Console(ctx)
	defer func() { console = lines() }()
	eval := func(d time.Duration, js string) (string, error) {
		c, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return chromedp.Run(c, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	}
	nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = chromedp.Do(nctx, chromedp.Navigate(url+"/"))
	cancel()
	if err != nil {
		return "", console, fmt.Errorf("open page: %w", err)
	}
	if info, err = eval(90*time.Second, `window.ready`); err != nil {
		return "", console, fmt.Errorf("load face-api and models: %w", err)
	}
	return info, console, work(eval)
}

func joinLines(s []string) string {
	var b bytes.Buffer
	for _, l := range s {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// Pixels is the exact RGBA the page receives for img: Go's own conversion (draw.Draw
// onto *image.RGBA, the usual path for decoded JPEGs), composited over black so every
// pixel is opaque. A Go implementation that starts from the same pixels can be compared
// without the browser's decoder or colour management in the way.
func Pixels(img image.Image) *image.RGBA {
	b := img.Bounds()
	p := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(p, p.Rect, img, b.Min, draw.Src)
	for i := 3; i < len(p.Pix); i += 4 {
		p.Pix[i] = 255 // premultiplied, so this is "over black"
	}
	return p
}

// Dump is face-api's output for a set of images in a form that can be saved and
// compared later without a browser (TestDump writes one).
type Dump struct {
	Package        string               `json:"package"`
	Integrity      string               `json:"integrity"`
	InputSize      int                  `json:"inputSize"`
	ScoreThreshold float64              `json:"scoreThreshold"`
	Images         map[string]DumpImage `json:"images"`
}

// DumpImage is one image's result with a fingerprint of its input.
type DumpImage struct {
	PixelsSHA256 string `json:"pixelsSha256"` // of Pixels(img).Pix
	Result
}

// NewDump pairs results with the images they came from.
func NewDump(images map[string]image.Image, results map[string]Result, o Options) Dump {
	d := Dump{PackageSpec, PackageIntegrity, o.InputSize, o.ScoreThreshold, map[string]DumpImage{}}
	for name, r := range results {
		d.Images[name] = DumpImage{PixelsSHA256(images[name]), r}
	}
	return d
}

// ReadDump reads a file written from a Dump.
func ReadDump(path string) (*Dump, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Dump
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &d, nil
}

// PixelsSHA256 fingerprints the exact input the browser gets for img, so a comparison
// can prove it starts from the same pixels.
func PixelsSHA256(img image.Image) string {
	sum := sha256.Sum256(Pixels(img).Pix)
	return hex.EncodeToString(sum[:])
}
