//go:build js && wasm

package widget

import (
	"context"
	"errors"
	"image"
	"math"
	"syscall/js"
	"time"
)

// JSBrowser implements Browser on the real page with syscall/js. Go code waiting on a
// JavaScript promise must never run inside a js.FuncOf callback (it would block the
// event loop the promise needs), so callbacks only hand work to goroutines.
type JSBrowser struct {
	win, doc   js.Value
	root, live js.Value
	attrs      []string // data- attributes the current screen set on <main>
	listen     func(Event)
	stream     js.Value // running MediaStream, or undefined
	video      js.Value // <video> showing it
	canvas     js.Value
	grab       js.Value // canvas holding the frame GrabFrame kept
	small      js.Value // canvas GrabFrame downscales on
}

// NewJSBrowser binds to <main id="rampart"> and <div id="status-live"> of app.html.
func NewJSBrowser() *JSBrowser {
	win := js.Global()
	doc := win.Get("document")
	return &JSBrowser{win: win, doc: doc, root: doc.Call("getElementById", "rampart"),
		live: doc.Call("getElementById", "status-live")}
}

// Render implements Browser.
func (b *JSBrowser) Render(v View) {
	for _, a := range b.attrs {
		b.root.Call("removeAttribute", a)
	}
	b.attrs = b.attrs[:0]
	b.root.Set("innerHTML", v.HTML)
	b.root.Call("setAttribute", "data-screen", v.Name)
	for k, val := range v.Attrs {
		b.root.Call("setAttribute", k, val)
		b.attrs = append(b.attrs, k)
	}
	b.win.Call("scrollTo", 0, 0)
	// Moving focus to the new heading tells screen-reader users the screen changed.
	if h := b.root.Call("querySelector", "h1"); h.Truthy() {
		h.Call("focus", map[string]any{"preventScroll": true})
	}
	b.Announce(v.Announce)
}

// TakeOver implements Browser: the server's page marks its first screen with
// data-prerendered on <main>, app.js marks an early tap with data-agreed, and
// data-widget="live" on <html> tells app.js that the widget handles the buttons now.
func (b *JSBrowser) TakeOver() (string, bool) {
	pre, agreed := "", false
	if v := b.root.Call("getAttribute", "data-prerendered"); v.Type() == js.TypeString {
		pre = v.String()
	}
	agreed = b.root.Call("getAttribute", "data-agreed").Type() == js.TypeString
	b.root.Call("removeAttribute", "data-prerendered")
	b.root.Call("removeAttribute", "data-agreed")
	b.doc.Get("documentElement").Call("setAttribute", "data-widget", "live")
	return pre, agreed
}

// Patch implements Browser.
func (b *JSBrowser) Patch(id, html string) {
	if el := b.doc.Call("getElementById", id); el.Truthy() {
		el.Set("innerHTML", html)
	}
}

// Announce implements Browser.
func (b *JSBrowser) Announce(text string) {
	if b.live.Truthy() {
		b.live.Set("textContent", text)
	}
}

// Listen implements Browser with two delegated listeners on <main>, so they survive
// every re-render.
func (b *JSBrowser) Listen(fn func(Event)) {
	b.listen = fn
	click := js.FuncOf(func(_ js.Value, args []js.Value) any {
		btn := args[0].Get("target").Call("closest", "button[id]")
		if btn.Truthy() && !btn.Get("disabled").Bool() {
			go fn(Event{Type: Click, ID: btn.Get("id").String()})
		}
		return nil
	})
	change := js.FuncOf(func(_ js.Value, args []js.Value) any {
		in := args[0].Get("target")
		if in.Get("type").String() != "file" || in.Get("files").Get("length").Int() == 0 {
			return nil
		}
		file, id := in.Get("files").Index(0), in.Get("id").String()
		in.Set("value", "") // so choosing the same file again fires change again
		go func() {
			p, err := b.loadFile(file)
			fn(Event{Type: FilePicked, ID: id, Photo: p, Err: err})
		}()
		return nil
	})
	key := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if args[0].Get("key").String() == "Escape" {
			go fn(Event{Type: Escape})
		}
		return nil
	})
	// Listeners live as long as the page: the funcs are never released.
	b.root.Call("addEventListener", "click", click)
	b.root.Call("addEventListener", "change", change)
	b.doc.Call("addEventListener", "keydown", key)
}

func (b *JSBrowser) mediaDevices() js.Value {
	md := b.win.Get("navigator").Get("mediaDevices")
	if !md.Truthy() || !md.Get("getUserMedia").Truthy() {
		return js.Undefined() // old browser, or not a secure context
	}
	return md
}

// CameraSupport implements Browser: enumerateDevices lists device kinds without asking
// for permission.
func (b *JSBrowser) CameraSupport(context.Context) CameraSupport {
	md := b.mediaDevices()
	if !md.Truthy() {
		return CameraNone
	}
	devs, err := await(call(md, "enumerateDevices"))
	if err != nil {
		return CameraAvailable // let getUserMedia decide
	}
	for i := range devs.Length() {
		if devs.Index(i).Get("kind").String() == "videoinput" {
			return CameraAvailable
		}
	}
	return CameraNone
}

// StartCamera implements Browser.
func (b *JSBrowser) StartCamera(ctx context.Context, videoID string, facing Facing) error {
	b.StopCamera()
	md := b.mediaDevices()
	if !md.Truthy() {
		return ErrNoCamera
	}
	video := map[string]any{"facingMode": map[string]any{"ideal": string(facing)}}
	if facing == FacingEnvironment { // enough pixels for a readable document
		video["width"] = map[string]any{"ideal": 1920}
		video["height"] = map[string]any{"ideal": 1080}
	} else {
		video["width"] = map[string]any{"ideal": 1280}
		video["height"] = map[string]any{"ideal": 720}
	}
	stream, err := await(call(md, "getUserMedia", map[string]any{"audio": false, "video": video}))
	if err != nil {
		return cameraError(err)
	}
	el := b.doc.Call("getElementById", videoID)
	if ctx.Err() != nil || !el.Truthy() { // the user left the screen meanwhile
		stopTracks(stream)
		return context.Canceled
	}
	el.Set("muted", true)
	el.Call("setAttribute", "playsinline", "") // iOS: play inline, not full screen
	el.Set("srcObject", stream)
	b.stream, b.video = stream, el
	if _, err := await(el.Call("play")); err != nil && ctx.Err() == nil {
		b.StopCamera()
		return errors.Join(ErrCameraFailed, err)
	}
	return ctx.Err()
}

func stopTracks(stream js.Value) {
	tracks := stream.Call("getTracks")
	for i := range tracks.Length() {
		tracks.Index(i).Call("stop")
	}
}

// StopCamera implements Browser; it turns the camera light off.
func (b *JSBrowser) StopCamera() {
	if b.stream.Truthy() {
		stopTracks(b.stream)
	}
	if b.video.Truthy() {
		b.video.Set("srcObject", js.Null())
	}
	b.stream, b.video = js.Undefined(), js.Undefined()
}

// CaptureFrame implements Browser.
func (b *JSBrowser) CaptureFrame(ctx context.Context, maxSide int, quality float64) (Photo, error) {
	for range 30 { // a just-started camera may not have delivered its first frame
		if !b.video.Truthy() {
			return Photo{}, ErrCameraFailed
		}
		if w, h := b.video.Get("videoWidth").Int(), b.video.Get("videoHeight").Int(); w > 0 && h > 0 {
			return b.encode(b.video, w, h, maxSide, quality)
		}
		if err := b.Sleep(ctx, 100*time.Millisecond); err != nil {
			return Photo{}, err
		}
	}
	return Photo{}, ErrCameraFailed
}

// GrabFrame implements Browser: the frame is drawn on a canvas at most FaceMaxSide long
// (kept for EncodeGrabbed), then on a small canvas whose pixels are copied to Go.
func (b *JSBrowser) GrabFrame(ctx context.Context, maxSide int) (*image.RGBA, error) {
	w, h := 0, 0
	for range 30 { // a just-started camera may not have delivered its first frame
		if !b.video.Truthy() {
			return nil, ErrCameraFailed
		}
		if w, h = b.video.Get("videoWidth").Int(), b.video.Get("videoHeight").Int(); w > 0 && h > 0 {
			break
		}
		if err := b.Sleep(ctx, 100*time.Millisecond); err != nil {
			return nil, err
		}
	}
	if w == 0 || h == 0 {
		return nil, ErrCameraFailed
	}
	if !b.grab.Truthy() {
		b.grab = b.doc.Call("createElement", "canvas")
		b.small = b.doc.Call("createElement", "canvas")
	}
	gw, gh := fit(w, h, FaceMaxSide)
	b.grab.Set("width", gw)
	b.grab.Set("height", gh)
	g := b.grab.Call("getContext", "2d")
	g.Set("imageSmoothingQuality", "high")
	g.Call("drawImage", b.video, 0, 0, gw, gh)

	sw, sh := fit(gw, gh, maxSide)
	b.small.Set("width", sw)
	b.small.Set("height", sh)
	s := b.small.Call("getContext", "2d", map[string]any{"willReadFrequently": true})
	s.Call("drawImage", b.grab, 0, 0, sw, sh)
	data := s.Call("getImageData", 0, 0, sw, sh).Get("data")
	img := image.NewRGBA(image.Rect(0, 0, sw, sh))
	js.CopyBytesToGo(img.Pix, b.win.Get("Uint8Array").New(data.Get("buffer"), data.Get("byteOffset"), data.Get("byteLength")))
	return img, nil
}

// EncodeGrabbed implements Browser.
func (b *JSBrowser) EncodeGrabbed(_ context.Context, quality float64) (Photo, error) {
	if !b.grab.Truthy() {
		return Photo{}, ErrCameraFailed
	}
	w, h := b.grab.Get("width").Int(), b.grab.Get("height").Int()
	return b.toJPEG(b.grab, w, h, quality)
}

// fit scales w×h down so that the longer side is at most maxSide.
func fit(w, h, maxSide int) (int, int) {
	if m := max(w, h); m > maxSide {
		return max(1, w*maxSide/m), max(1, h*maxSide/m)
	}
	return w, h
}

// Fetch implements Browser.
func (b *JSBrowser) Fetch(ctx context.Context, path string) ([]byte, error) {
	ctrl := b.win.Get("AbortController").New()
	stop := context.AfterFunc(ctx, func() { ctrl.Call("abort") })
	defer stop()
	res, err := await(call(b.win, "fetch", path, map[string]any{"signal": ctrl.Get("signal"), "credentials": "same-origin"}))
	if err != nil || !res.Get("ok").Bool() {
		return nil, ErrFetch
	}
	buf, err := await(call(res, "arrayBuffer"))
	if err != nil {
		return nil, ErrFetch
	}
	arr := b.win.Get("Uint8Array").New(buf)
	data := make([]byte, arr.Length())
	js.CopyBytesToGo(data, arr)
	return data, nil
}

// Log implements Browser.
func (b *JSBrowser) Log(line string) { b.win.Get("console").Call("log", line) }

// loadFile decodes a chosen file with an <img> (which applies EXIF orientation) and
// re-encodes it: downscaled, as JPEG, without the original's metadata.
func (b *JSBrowser) loadFile(file js.Value) (Photo, error) {
	url := b.win.Get("URL").Call("createObjectURL", file)
	defer b.win.Get("URL").Call("revokeObjectURL", url)
	img := b.doc.Call("createElement", "img")
	img.Set("src", url)
	if _, err := await(img.Call("decode")); err != nil {
		return Photo{}, ErrUnreadable
	}
	w, h := img.Get("naturalWidth").Int(), img.Get("naturalHeight").Int()
	if w == 0 || h == 0 {
		return Photo{}, ErrUnreadable
	}
	return b.encode(img, w, h, DocMaxSide, DocJPEGQuality)
}

// encode draws src (a <video> or <img>) on a canvas at most maxSide pixels long and
// returns it as JPEG bytes.
func (b *JSBrowser) encode(src js.Value, w, h, maxSide int, quality float64) (Photo, error) {
	dw, dh := w, h
	if m := max(w, h); m > maxSide {
		dw, dh = max(1, w*maxSide/m), max(1, h*maxSide/m)
	}
	if !b.canvas.Truthy() {
		b.canvas = b.doc.Call("createElement", "canvas")
	}
	c := b.canvas
	c.Set("width", dw)
	c.Set("height", dh)
	g := c.Call("getContext", "2d")
	g.Set("imageSmoothingQuality", "high")
	g.Call("drawImage", src, 0, 0, dw, dh)
	return b.toJPEG(c, dw, dh, quality)
}

// toJPEG encodes a canvas of w×h pixels.
func (b *JSBrowser) toJPEG(c js.Value, dw, dh int, quality float64) (Photo, error) {
	ch := make(chan js.Value, 1)
	cb := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- a[0]; return nil })
	c.Call("toBlob", cb, "image/jpeg", quality)
	blob := <-ch
	cb.Release()
	if !blob.Truthy() {
		return Photo{}, ErrUnreadable
	}
	buf, err := await(b.win.Get("Response").New(blob).Call("arrayBuffer"))
	if err != nil {
		return Photo{}, ErrUnreadable
	}
	arr := b.win.Get("Uint8Array").New(buf)
	data := make([]byte, arr.Length())
	js.CopyBytesToGo(data, arr)
	return Photo{JPEG: data, Width: dw, Height: dh}, nil
}

// PostMessage implements Browser: to the embedding frame, or to the opener of a popup.
func (b *JSBrowser) PostMessage(msg map[string]string, origin string) {
	target := b.win.Get("parent")
	if target.Equal(b.win) {
		if target = b.win.Get("opener"); !target.Truthy() {
			return
		}
	}
	obj := map[string]any{}
	for k, v := range msg {
		obj[k] = v
	}
	defer func() { _ = recover() }() // a malformed origin throws SyntaxError; skip it
	target.Call("postMessage", obj, origin)
}

// TopLevel implements Browser.
func (b *JSBrowser) TopLevel() bool { return b.win.Get("parent").Equal(b.win) }

// Navigate implements Browser.
func (b *JSBrowser) Navigate(url string) { b.win.Get("location").Call("assign", url) }

// WatchHeight implements Browser. A framed page is laid out at its content's height
// (the "framed" class drops the full-viewport minimum, which would only ever grow with
// the frame), and a ResizeObserver on <body> reports that height.
func (b *JSBrowser) WatchHeight(fn func(int)) {
	b.doc.Get("documentElement").Get("classList").Call("add", "framed")
	body := b.doc.Get("body")
	last := -1
	measure := func() {
		h := int(math.Ceil(body.Call("getBoundingClientRect").Get("height").Float()))
		if h != last {
			last = h
			go fn(h)
		}
	}
	// Lives as long as the page: never released.
	cb := js.FuncOf(func(js.Value, []js.Value) any { measure(); return nil })
	if ro := b.win.Get("ResizeObserver"); ro.Truthy() {
		ro.New(cb).Call("observe", body)
	} else {
		b.win.Call("addEventListener", "resize", cb) // old browsers: at least on frame resizes
	}
	measure()
}

// SetDialog implements Browser: widget.css leaves room for the loader's close button.
func (b *JSBrowser) SetDialog() {
	b.doc.Get("documentElement").Get("classList").Call("add", "dialog")
}

// SetTheme implements Browser. Setting properties through CSSOM is allowed by the CSP
// (style-src 'self'); style attributes in markup are not.
func (b *JSBrowser) SetTheme(lang, accent, onAccent string) {
	el := b.doc.Get("documentElement")
	el.Set("lang", lang)
	if accent != "" {
		el.Get("style").Call("setProperty", "--accent", accent)
		el.Get("style").Call("setProperty", "--on-accent", onAccent)
	}
}

// Device implements Browser.
func (b *JSBrowser) Device() Device {
	nav := b.win.Get("navigator")
	d := Device{}
	if ua := nav.Get("userAgent"); ua.Type() == js.TypeString {
		d.UserAgent = ua.String()
	}
	if tp := nav.Get("maxTouchPoints"); tp.Type() == js.TypeNumber {
		d.TouchPoints = tp.Int()
	}
	if b.win.Get("matchMedia").Type() == js.TypeFunction {
		d.CoarsePointer = b.win.Call("matchMedia", "(any-pointer: coarse)").Get("matches").Bool()
	}
	return d
}

// Now implements Browser.
func (b *JSBrowser) Now() time.Time { return time.Now() }

// Sleep implements Browser.
func (b *JSBrowser) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// jsError is a rejected promise or thrown exception, by its DOMException name.
type jsError struct{ name, message string }

func (e *jsError) Error() string { return e.name + ": " + e.message }

func toError(v js.Value) error {
	if v.Type() == js.TypeObject {
		return &jsError{name: v.Get("name").String(), message: v.Get("message").String()}
	}
	return &jsError{name: "Error", message: v.String()}
}

// cameraError maps getUserMedia's DOMException names to the widget's camera errors.
func cameraError(err error) error {
	var je *jsError
	if errors.As(err, &je) {
		switch je.name {
		case "NotAllowedError", "SecurityError", "PermissionDeniedError":
			return ErrCameraDenied
		case "NotFoundError", "DevicesNotFoundError", "OverconstrainedError":
			return ErrNoCamera
		}
	}
	return errors.Join(ErrCameraFailed, err)
}

// call invokes a method that returns a promise, turning a synchronous throw into a
// rejected result.
func call(v js.Value, method string, args ...any) (p js.Value) {
	defer func() {
		if r := recover(); r != nil {
			reason := js.Global().Get("Error").New("call failed: " + method)
			if je, ok := r.(js.Error); ok {
				reason = je.Value
			}
			p = js.Global().Get("Promise").Call("reject", reason)
		}
	}()
	return v.Call(method, args...)
}

// await waits for a promise. It must run on a goroutine, not in a js.FuncOf callback.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	arg := func(a []js.Value) js.Value {
		if len(a) == 0 {
			return js.Undefined()
		}
		return a[0]
	}
	ok := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- result{v: arg(a)}; return nil })
	bad := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- result{err: toError(arg(a))}; return nil })
	p.Call("then", ok, bad)
	r := <-ch
	ok.Release()
	bad.Release()
	return r.v, r.err
}

var _ Browser = (*JSBrowser)(nil)
