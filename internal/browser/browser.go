// Package browser runs real headless Chromium for tests, with a fake camera fed from a
// y4m video the test writes.
package browser

import (
	"context"
	"image"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/internal/y4m"
)

// Camera says what camera the browser has.
type Camera int

// Camera setups.
const (
	FakeCamera   Camera = iota // a fake device playing the test's video, permission granted
	NoCamera                   // no video device at all
	DeniedCamera               // a camera exists but the user blocks it
)

// TB is the part of testing.TB the browser needs (the benchmark tool provides it too).
type TB interface {
	Helper()
	TempDir() string
	Cleanup(func())
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
}

// Options configure a browser.
type Options struct {
	ExecPath string // Chromium binary; default: found by testenv.Chromium (which may skip)
	Camera   Camera
	Video    []image.Image // frames for the fake camera (FakeCamera)
	Width    int           // viewport; default 390x844 (a phone)
	Height   int
}

// New starts Chromium and returns a tab context; everything is torn down with the test.
func New(t TB, o Options) context.Context {
	t.Helper()
	exe := o.ExecPath
	if exe == "" {
		tb, ok := t.(testing.TB)
		if !ok {
			t.Fatalf("browser: no ExecPath")
		}
		exe = testenv.Chromium(tb)
	}
	if o.Width == 0 {
		o.Width, o.Height = 390, 844
	}
	flags := append(Flags(exe, t.TempDir()),
		chromedp.WindowSize(o.Width, o.Height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	if o.Camera == FakeCamera || o.Camera == DeniedCamera {
		video := filepath.Join(t.TempDir(), "camera.y4m")
		if err := WriteY4M(video, o.Video); err != nil {
			t.Fatalf("camera video: %v", err)
		}
		answer := any(true)
		if o.Camera == DeniedCamera {
			answer = "deny" // the fake permission prompt answers "Block"
		}
		flags = append(flags,
			chromedp.Flag("use-fake-ui-for-media-stream", answer),
			chromedp.Flag("use-fake-device-for-media-stream", true),
			chromedp.Flag("use-file-for-fake-video-capture", video))
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancelC := chromedp.NewContext(actx, chromedp.WithErrorf(func(string, ...any) {}))
	t.Cleanup(func() { cancelC(); cancelA() })
	// Start the browser now so launch failures surface here (no timeout on this first
	// call: it would bound the browser's whole life).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Keep the page's console and uncaught errors; print them if the test fails.
	console := Console(ctx)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("browser console:\n%s", strings.Join(console(), "\n"))
		}
	})
	return ctx
}

// Flags are the headless Chromium flags every test browser uses: a private profile,
// nothing running in the background, no GPU.
func Flags(exe, userDataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(userDataDir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
}

// Console records the page's console output and uncaught errors from now on; the
// returned function gives a copy of the lines so far.
func Console(ctx context.Context) func() []string {
	var mu sync.Mutex
	var lines []string
	_ = chromedp.Listen(ctx, func(ev any) {
		var line string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			for _, a := range ev.Args {
				line += " " + string(a.Value)
			}
			line = string(ev.Type) + ":" + line
		case *runtime.EventExceptionThrown:
			line = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				line += " " + ev.ExceptionDetails.Exception.Description
			}
		default:
			return
		}
		mu.Lock()
		lines = append(lines, line)
		mu.Unlock()
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(lines)
	}
}

// WriteY4M writes frames (all the size of the first) as a 30 fps YUV4MPEG2 4:2:0 video.
func WriteY4M(path string, frames []image.Image) error { return y4m.Write(path, frames, 30) }
