package widget

import (
	"context"
	"errors"
	"image"
	"time"
)

// Browser is everything the widget needs from the page. browser_js.go implements it with
// syscall/js; FakeBrowser (fakebrowser.go) implements it natively so the flow is unit-tested
// without a browser. Methods are called from the widget's loop goroutine only, except
// CameraSupport, StartCamera, CaptureFrame and Sleep, which run in background goroutines.
type Browser interface {
	// Render replaces the content of <main id="rampart">, sets its data-screen and the
	// view's data- attributes (dropping the previous screen's), moves focus to the
	// screen's <h1> and announces v.Announce in the #status-live region.
	Render(v View)
	// Patch replaces the inner HTML of the element with the given id, if it exists.
	Patch(id, html string)
	// Announce sets the text of the aria-live region #status-live.
	Announce(text string)
	// TakeOver hands the page to the widget. It returns the screen the server rendered
	// into the page before the widget ran ("consent", or "" for the loading shell) and
	// whether the user already tapped its "I agree" (the page's script then shows a
	// "preparing" state). From then on the page's script leaves every button to the widget.
	TakeOver() (prerendered string, agreed bool)
	// Listen sets the function that receives user events. The browser calls it from a
	// goroutine of its own, never from inside a JavaScript callback.
	Listen(fn func(Event))

	// CameraSupport reports, without asking for permission, whether a camera could be used.
	CameraSupport(ctx context.Context) CameraSupport
	// StartCamera asks for the camera facing the given way and previews it in the <video>
	// with id videoID. It returns ErrCameraDenied, ErrNoCamera or another error. A camera
	// obtained after ctx ended is released at once.
	StartCamera(ctx context.Context, videoID string, facing Facing) error
	// StopCamera releases the camera, if one is running.
	StopCamera()
	// CaptureFrame grabs the preview's current frame, downscaled so that its longer side is
	// at most maxSide pixels, as a JPEG of the given quality (0-1).
	CaptureFrame(ctx context.Context, maxSide int, quality float64) (Photo, error)
	// GrabFrame takes the preview's current frame, unmirrored. It keeps the frame at most
	// FaceMaxSide pixels long for EncodeGrabbed and returns its pixels downscaled so that
	// the longer side is at most maxSide.
	GrabFrame(ctx context.Context, maxSide int) (*image.RGBA, error)
	// EncodeGrabbed returns the frame the last GrabFrame kept as a JPEG of the given
	// quality (0-1).
	EncodeGrabbed(ctx context.Context, quality float64) (Photo, error)

	// Fetch GETs a path of the widget's own origin and returns the body.
	Fetch(ctx context.Context, path string) ([]byte, error)
	// Log writes a line to the browser console (diagnostics, never personal data).
	Log(line string)

	// PostMessage sends msg to the window that embeds the widget, for targetOrigin only.
	PostMessage(msg map[string]string, targetOrigin string)
	// TopLevel reports whether the widget is the page itself (a webview, a Custom Tab, a
	// link opened directly) rather than framed by a host page.
	TopLevel() bool
	// Navigate sends the top-level page to url (an http(s) URL the widget checked).
	Navigate(url string)
	// WatchHeight calls fn, from a goroutine of its own, with the height in CSS pixels the
	// widget's content needs, now and whenever it changes, so the host can size the frame.
	WatchHeight(fn func(height int))
	// SetDialog says the host shows the widget in its full-screen dialog, which draws the
	// close button over the widget's header.
	SetDialog()
	// SetTheme sets the document language and the accent colours ("" keeps the defaults).
	SetTheme(lang, accent, onAccent string)
	// Device describes the browser (navigator.userAgent, maxTouchPoints, a coarse
	// pointer), to show the user the steps of their own platform first and to offer a
	// computer's user to continue on a phone.
	Device() Device

	// Now and Sleep are the widget's clock (fast in tests).
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// Device is what the page knows of the user's browser and device.
type Device struct {
	UserAgent     string
	TouchPoints   int
	CoarsePointer bool // any pointer is coarse (a finger)
}

// Desktop reports whether the page runs on a computer rather than a phone or tablet: no
// touch points, no coarse pointer, and no phone in the user agent.
func (d Device) Desktop() bool {
	return d.TouchPoints == 0 && !d.CoarsePointer && !detectPlatform(d.UserAgent, d.TouchPoints).mobile()
}

// View is one rendered screen.
type View struct {
	Name     string            // data-screen value, e.g. "doc-type"
	HTML     string            // inner HTML of <main id="rampart">
	Attrs    map[string]string // extra attributes of <main>, e.g. data-error-code
	Announce string            // text for the aria-live region
}

// EventType tells user events apart.
type EventType int

// User events.
const (
	// Click is a press (mouse, touch or keyboard) of the <button> with the event's ID.
	Click EventType = iota
	// FilePicked is a file chosen in the <input type=file> with the event's ID, already
	// downscaled and JPEG-encoded in Photo, or Err when the file could not be read.
	FilePicked
	// Escape is the Escape key pressed anywhere in the widget.
	Escape
)

// Event is a user action.
type Event struct {
	Type  EventType
	ID    string
	Photo Photo
	Err   error
}

// Photo is a JPEG image prepared in the browser for upload.
type Photo struct {
	JPEG          []byte
	Width, Height int
}

// CameraSupport is what CameraSupport found.
type CameraSupport int

// Camera capabilities.
const (
	// CameraNone: no camera API (old browser, insecure context) or no video input device.
	CameraNone CameraSupport = iota
	// CameraAvailable: a video input exists; permission may still be refused.
	CameraAvailable
)

// Facing selects the front (user) or back (environment) camera.
type Facing string

// Camera directions, as getUserMedia's facingMode names them.
const (
	FacingUser        Facing = "user"
	FacingEnvironment Facing = "environment"
)

// Camera errors returned by StartCamera and CaptureFrame.
var (
	ErrCameraDenied = errors.New("camera permission denied")
	ErrNoCamera     = errors.New("no camera found")
	ErrCameraFailed = errors.New("camera could not start")
	ErrUnreadable   = errors.New("image could not be read")
	ErrFetch        = errors.New("download failed")
)

// Image preparation limits: ≤ 2000 px long side, JPEG before upload.
const (
	DocMaxSide      = 2000
	DocJPEGQuality  = 0.9
	FaceMaxSide     = 640
	FaceJPEGQuality = 0.85
)
