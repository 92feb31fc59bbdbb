package widget

import (
	"context"
	"errors"
	"strings"
	"time"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
)

// The selfie sequence: LivenessFrames frames, FrameInterval apart (~3 s in all), each with
// a prompt that makes the person move, so the frames differ the way a live person does.
const (
	LivenessFrames = 8
	FrameInterval  = 400 * time.Millisecond
	GetReadyDelay  = 1200 * time.Millisecond
)

// livenessPrompts are shown in turn, each for two frames.
var livenessPrompts = []string{"live_look", "live_left", "live_right", "live_blink"}

func (w *Widget) showLivenessIntro() {
	var b strings.Builder
	b.WriteString(`<ul class="plan tips">`)
	for _, k := range []string{"live_tip1", "live_tip2", "live_tip3"} {
		b.WriteString(`<li>` + iconCheck + `<span>` + esc(w.t.T(k)) + `</span></li>`)
	}
	b.WriteString(`</ul>`)
	html := w.layout(page{step: 2, icon: iconFace, title: w.t.T("live_intro"), lead: w.t.T("live_intro_lead"),
		body: b.String(), actions: button("start-liveness", "primary", w.t.T("start_liveness"))})
	w.render("liveness-intro", html, nil, w.t.T("live_intro"))
	w.on("start-liveness", w.startLiveness)
}

// startLiveness checks for a camera: without one, KYC cannot be completed.
func (w *Widget) startLiveness() {
	w.async(func(ctx context.Context) func() {
		sup := w.b.CameraSupport(ctx)
		return func() {
			if sup == CameraAvailable {
				w.showLiveness()
			} else {
				w.showNoCamera()
			}
		}
	})
}

func (w *Widget) showLiveness() {
	body := `<div class="viewfinder face"><video id="viewfinder" class="mirror" autoplay muted playsinline aria-hidden="true"></video>` +
		`<div class="guide oval"></div></div>` +
		`<p id="live-prompt" class="prompt">` + esc(w.t.T("live_starting")) + `</p>` +
		`<div id="live-progress" class="dots" aria-hidden="true">` + dots(0) + `</div>`
	html := w.layout(page{step: 2, title: w.t.T("live_title"), body: body})
	w.render("liveness", html, nil, w.t.T("live_title"))
	w.async(func(ctx context.Context) func() {
		err := w.b.StartCamera(ctx, "viewfinder", FacingUser)
		return func() {
			switch {
			case err == nil:
				w.runLiveness()
			case errors.Is(err, ErrCameraDenied):
				w.showCameraDenied(true)
			default:
				w.showNoCamera()
			}
		}
	})
}

// dots renders the sequence progress: n of LivenessFrames captured.
func dots(n int) string {
	var b strings.Builder
	for i := range LivenessFrames {
		if i < n {
			b.WriteString(`<span class="on"></span>`)
		} else {
			b.WriteString(`<span></span>`)
		}
	}
	return b.String()
}

// runLiveness captures the guided sequence in the background and then submits it.
func (w *Widget) runLiveness() {
	ctx, then := w.sctx, w.later()
	say := func(key string, n int) {
		then(func() {
			w.b.Patch("live-prompt", esc(w.t.T(key)))
			w.b.Patch("live-progress", dots(n))
			w.b.Announce(w.t.T(key))
		})
	}
	go func() {
		say("live_ready", 0)
		if w.b.Sleep(ctx, GetReadyDelay) != nil {
			return
		}
		frames := make([][]byte, 0, LivenessFrames)
		var first, last time.Time
		for i := range LivenessFrames {
			if i%2 == 0 {
				say(livenessPrompts[i/2], i)
			}
			if w.b.Sleep(ctx, FrameInterval) != nil {
				return
			}
			p, err := w.b.CaptureFrame(ctx, FaceMaxSide, FaceJPEGQuality)
			if err != nil {
				if ctx.Err() == nil {
					then(w.showLivenessIntro)
				}
				return
			}
			last = w.b.Now()
			if i == 0 {
				first = last
			}
			frames = append(frames, p.JPEG)
		}
		say("live_done", LivenessFrames)
		then(func() { w.submit(frames, last.Sub(first)) })
	}()
}

// submit sends the selfie sequence, then submits the case for verification.
func (w *Widget) submit(frames [][]byte, d time.Duration) {
	w.showSubmitting()
	req := &widgetv1.SubmitLivenessRequest{Frames: frames, DurationMs: int32(d / time.Millisecond)}
	w.async(func(ctx context.Context) func() {
		if _, err := w.api.SubmitLiveness(ctx, req); err != nil {
			return func() { w.fail(err, func() { w.submit(frames, d) }) }
		}
		return w.submitCase
	})
}

func (w *Widget) submitCase() {
	if w.screen != "submitting" {
		w.showSubmitting()
	}
	w.async(func(ctx context.Context) func() {
		res, err := w.api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{})
		return func() {
			if err != nil {
				w.fail(err, w.submitCase)
				return
			}
			w.emit("kyc_submitted")
			st := res.GetState()
			if st == nil {
				st = &widgetv1.KycState{Status: kyc.Pending.Proto()} // what a submitted case is
			}
			w.setState(st)
			w.afterSubmit()
		}
	})
}

func (w *Widget) showNoCamera() {
	body := `<p class="or">` + esc(w.t.T("nocam_next")) + `</p>` + w.guidance()
	html := w.layout(page{step: 2, icon: `<div class="hero-bad">` + iconCameraOff + `</div>`, title: w.t.T("nocam_title"),
		lead: w.t.T("nocam_lead"), body: body, actions: button("retry-camera", "primary", w.t.T("retry_camera"))})
	w.render("no-camera", html, nil, w.t.T("nocam_title")+". "+w.t.T("nocam_lead"))
	w.on("retry-camera", w.startLiveness)
}
