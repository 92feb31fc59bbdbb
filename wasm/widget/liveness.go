package widget

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
)

// The selfie challenge: the server picks the moves; the widget watches the camera, tells
// the person what to do, and keeps the frames that show each step.
const (
	// StraightFrames are kept while the person looks straight ahead, framed; each move
	// ends with MoveFrames frames that show it (not necessarily in a row; one is never
	// enough). 2 + 3×2 stays within liveness.MaxFrames.
	StraightFrames = 2
	MoveFrames     = 2
	// LoopPause lets the page breathe between two detections.
	LoopPause = 40 * time.Millisecond
	// StallAfter without a step done, the person is offered to keep trying or to start
	// again with new moves; nothing ends by itself.
	StallAfter = 20 * time.Second
	// RenewBefore the challenge expires, a new one is drawn.
	RenewBefore = time.Minute
	// LogEvery is how often the detection rate goes to the console.
	LogEvery = 5 * time.Second
)

// The widget is a little stricter than the server, whose detector sees the frames at
// another size: framing within the bounds, turns and approaches a little larger.
const (
	minMove    = (liveness.MinStepMS + 150) * time.Millisecond // no move counts sooner after its prompt
	yawMargin  = 0.04
	sizeMargin = 1.06
	// rebase: before the first move is seen, a framed face this much smaller than the
	// straight-ahead reference means the reference was taken too near (the person had
	// come close, then moved back), where coming closer could not be seen: the
	// straight-ahead frames are taken again.
	rebase = 1.15
)

// selfie is the challenge's progress. observe is fed every measured frame.
type selfie struct {
	moves    liveness.Challenge
	step     int // 0 looking straight ahead, k the k-th move; len(moves)+1 when done
	straight []liveness.Pose
	base     liveness.Pose // the straight-ahead reference
	kept     int           // frames kept at this move
	stepAt   time.Duration // when this step's prompt was shown
}

// verdict is what to do with one frame.
type verdict struct {
	prompt  string // i18n key of the guidance
	keep    bool   // send the frame, at step
	step    int
	done    bool
	restart bool // drop the frames kept so far (before this one)
}

// framing is liveness.Frame with the widget's margins.
func framing(p liveness.Pose) liveness.Framing {
	f := liveness.Frame(p)
	switch {
	case f != liveness.FrameOK:
		return f
	case p.Width < liveness.MinWidth*1.15:
		return liveness.FrameFar
	case p.Width > liveness.MaxWidth*0.92:
		return liveness.FrameNear
	case math.Abs(p.Yaw) > liveness.NeutralYaw*0.7:
		return liveness.FrameTurned
	}
	return liveness.FrameOK
}

// framingPrompt is the advice for a framing problem.
var framingPrompt = map[liveness.Framing]string{
	liveness.FrameNoFace:  "live_noface",
	liveness.FrameOutside: "live_outside",
	liveness.FrameFar:     "live_far",
	liveness.FrameNear:    "live_near",
	liveness.FrameTurned:  "live_straight",
	liveness.FrameOK:      "live_hold",
}

// movePrompt is the key of the instruction for a move (live_turn_left, …).
func movePrompt(m liveness.Move) string { return "live_" + string(m) }

// stricter is the reference a move is measured against in the widget.
func stricter(base liveness.Pose, m liveness.Move) liveness.Pose {
	switch m {
	case liveness.TurnLeft:
		base.Yaw += yawMargin
	case liveness.TurnRight:
		base.Yaw -= yawMargin
	case liveness.Closer:
		base.Size *= sizeMargin
	}
	return base
}

// observe takes the pose of the frame captured at (since the challenge was shown); dark
// says the frame is too dark.
func (s *selfie) observe(p liveness.Pose, dark bool, at time.Duration) verdict {
	if s.step == 0 {
		f := framing(p)
		if f != liveness.FrameOK {
			if dark {
				return verdict{prompt: "live_dark"}
			}
			return verdict{prompt: framingPrompt[f]}
		}
		s.straight = append(s.straight, p)
		v := verdict{prompt: "live_hold", keep: true, step: 0}
		if len(s.straight) == StraightFrames {
			s.base = liveness.Reference(s.straight)
			s.advance(at)
			v.prompt = movePrompt(s.moves[0])
		}
		return v
	}
	if s.step == 1 && s.kept == 0 && framing(p) == liveness.FrameOK && p.Size*rebase < s.base.Size {
		s.step, s.straight = 0, nil
		v := s.observe(p, dark, at)
		v.restart = true
		return v
	}
	m := s.moves[s.step-1]
	if at-s.stepAt >= minMove && liveness.Seen(m, stricter(s.base, m), p) {
		v := verdict{keep: true, step: s.step}
		s.kept++
		if s.kept == MoveFrames {
			s.advance(at)
		}
		v.prompt, v.done = s.prompt(), s.done()
		return v
	}
	// A move seen in one frame only waits for a second sighting, even when the person has
	// moved on: the server re-measures each frame at another size, and a single frame was
	// judged on the other side of the threshold about once in ten challenges in the browser
	// tests under load (margins twice as wide did not stop it). With two frames it has two
	// chances.
	switch {
	case !p.Found && dark:
		return verdict{prompt: "live_dark"}
	case !p.Found:
		return verdict{prompt: "live_noface"}
	case !p.Inside:
		return verdict{prompt: "live_outside"}
	}
	return verdict{prompt: s.prompt()}
}

func (s *selfie) advance(at time.Duration) {
	s.step++
	s.kept = 0
	s.stepAt = at
}

func (s *selfie) done() bool { return s.step > len(s.moves) }

// move is the move asked now, "" while looking straight ahead or when done.
func (s *selfie) move() liveness.Move {
	if s.step == 0 || s.done() {
		return ""
	}
	return s.moves[s.step-1]
}

func (s *selfie) prompt() string {
	switch {
	case s.done():
		return "live_done"
	case s.step == 0:
		return "live_hold"
	}
	return movePrompt(s.moves[s.step-1])
}

func (w *Widget) showLivenessIntro() {
	w.prefetchFaces()
	var b strings.Builder
	b.WriteString(`<ul class="plan tips">`)
	for _, k := range []string{"live_tip1", "live_tip2", "live_tip3"} {
		b.WriteString(`<li>` + iconCheck + `<span>` + esc(w.t.T(k)) + `</span></li>`)
	}
	b.WriteString(`</ul>`)
	if w.keptDocument {
		b.WriteString(`<p class="notice info">` + esc(w.t.T("retry_selfie_only")) + `</p>`)
	}
	html := w.layout(page{step: 2, icon: iconFace, title: w.t.T("live_intro"), lead: w.t.T("live_intro_lead"),
		body: b.String(), actions: button("start-liveness", "primary", w.t.T("start_liveness"))})
	w.render("liveness-intro", html, nil, w.t.T("live_intro"))
	w.on("start-liveness", w.startLiveness)
}

// prefetchFaces starts downloading the face networks when the selfie step begins, so
// they are usually ready when the camera is.
func (w *Widget) prefetchFaces() {
	ctx := w.root
	go func() { _, _ = w.faces.get(ctx) }()
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
		`<div class="guide oval"></div><div id="live-arrow" class="move-arrow" aria-hidden="true"></div></div>` +
		`<p id="live-prompt" class="prompt">` + esc(w.t.T("live_starting")) + `</p>` +
		`<div id="live-progress" class="dots" aria-hidden="true"></div>` +
		`<div id="live-actions" class="live-actions"></div>`
	html := w.layout(page{step: 2, title: w.t.T("live_title"), body: body})
	w.render("liveness", html, nil, w.t.T("live_title"))
	keep := make(chan struct{}, 1)
	w.on("keep-trying", func() {
		w.b.Patch("live-actions", "")
		select {
		case keep <- struct{}{}:
		default:
		}
	})
	w.on("new-challenge", w.showLiveness)
	w.async(func(ctx context.Context) func() {
		err := w.b.StartCamera(ctx, "viewfinder", FacingUser)
		return func() {
			switch {
			case err == nil:
				w.runLiveness(keep)
			case errors.Is(err, ErrCameraDenied):
				w.showCameraDenied(true)
			default:
				w.showNoCamera()
			}
		}
	})
}

// dots renders the challenge's progress: done of n steps.
func dots(done, n int) string {
	var b strings.Builder
	for i := range n {
		if i < done {
			b.WriteString(`<span class="on"></span>`)
		} else {
			b.WriteString(`<span></span>`)
		}
	}
	return b.String()
}

// arrow is the picture of a move, as the person sees it in the mirrored preview: their
// own left is on the left of the screen.
func arrow(m liveness.Move) string {
	var path string
	switch m {
	case liveness.TurnLeft:
		path = `<path d="M15 5 8 12l7 7"/>`
	case liveness.TurnRight:
		path = `<path d="m9 5 7 7-7 7"/>`
	case liveness.Closer:
		path = `<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/>`
	default:
		return ""
	}
	return `<svg class="icon" data-move="` + string(m) + `" aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round">` + path + `</svg>`
}

// runLiveness draws a challenge and guides the person through it; keep receives a press
// of "Keep trying".
func (w *Widget) runLiveness(keep <-chan struct{}) {
	ctx, then := w.sctx, w.later()
	shown := "" // the prompt on screen
	say := func(key string, m liveness.Move, done, n int) {
		if key == shown {
			return
		}
		shown = key
		text := w.t.T(key)
		then(func() {
			w.b.Patch("live-prompt", esc(text))
			w.b.Patch("live-arrow", arrow(m))
			w.b.Patch("live-progress", dots(done, n))
			w.b.Announce(text)
		})
	}
	go func() {
		say("live_loading", "", 0, 0)
		finder, err := w.faces.get(ctx)
		if err != nil {
			if ctx.Err() == nil {
				then(func() { w.showError("unavailable", w.showLiveness) })
			}
			return
		}
		res, err := w.api.StartLiveness(ctx, &widgetv1.StartLivenessRequest{})
		if err != nil {
			then(func() { w.fail(err, w.showLiveness) })
			return
		}
		moves, err := liveness.FromProto(res.GetMoves())
		if err != nil {
			then(func() { w.showError("internal_error", w.showLiveness) })
			return
		}
		s := &selfie{moves: moves}
		steps := 1 + len(moves)
		start := w.b.Now()
		var frames []*widgetv1.LivenessFrame
		last := int32(-1)
		progress, logged, stalled := start, start, false
		detections := 0
		prev := ""
		for {
			img, err := w.b.GrabFrame(ctx, DetectSide)
			if err != nil {
				if ctx.Err() == nil {
					then(w.showNoCamera)
				}
				return
			}
			now := w.b.Now()
			p := finder.pose(img)
			detections++
			before := s.step
			v := s.observe(p, tooDark(img), now.Sub(start))
			if v.restart {
				frames = frames[:0]
			}
			if v.keep {
				ph, err := w.b.EncodeGrabbed(ctx, FaceJPEGQuality)
				if err != nil {
					if ctx.Err() == nil {
						then(w.showNoCamera)
					}
					return
				}
				at := max(int32(now.Sub(start)/time.Millisecond), last+1)
				last = at
				frames = append(frames, &widgetv1.LivenessFrame{Image: ph.JPEG, AtMs: at, Step: int32(v.step)})
			}
			if s.step != before {
				progress, stalled = now, false
			}
			// Framing advice changes only when it holds for two frames in a row, so a
			// detection that flickers does not make the prompt (and screen readers) jump.
			if s.step != before || v.keep || v.prompt == prev || v.done {
				say(v.prompt, s.move(), min(s.step, steps), steps)
			}
			prev = v.prompt
			if d := now.Sub(logged); d >= LogEvery || v.done {
				w.b.Log(fmt.Sprintf("rampart: face detection %.1f/s (%d in %.1f s)", float64(detections)/now.Sub(start).Seconds(), detections, now.Sub(start).Seconds()))
				logged = now
			}
			if v.done {
				req := &widgetv1.SubmitLivenessRequest{Frames: frames, ChallengeId: res.GetChallengeId()}
				then(func() { w.submitLiveness(req) })
				return
			}
			select {
			case <-keep:
				progress, stalled = now, false
			default:
			}
			if !stalled && now.Sub(progress) >= StallAfter {
				stalled = true
				then(func() {
					w.b.Patch("live-actions", `<p class="hint">`+esc(w.t.T("live_stuck"))+`</p>`+
						button("keep-trying", "primary", w.t.T("keep_trying"))+button("new-challenge", "secondary", w.t.T("new_challenge")))
					w.b.Announce(w.t.T("live_stuck"))
				})
			}
			if now.Sub(start) >= liveness.TTL-RenewBefore {
				then(w.showLiveness)
				return
			}
			if w.b.Sleep(ctx, LoopPause) != nil {
				return
			}
		}
	}()
}

// submitLiveness sends the frames answering the challenge, then submits the case.
func (w *Widget) submitLiveness(req *widgetv1.SubmitLivenessRequest) {
	w.showSubmitting()
	w.async(func(ctx context.Context) func() {
		if _, err := w.api.SubmitLiveness(ctx, req); err != nil {
			return func() {
				retry := w.showLiveness // the challenge may be spent: draw a new one
				switch slugOf(err) {
				case "unavailable", "internal_error", "rate_limit_exceeded":
					retry = func() { w.submitLiveness(req) }
				}
				w.fail(err, retry)
			}
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

// showNoCamera: without a camera here the selfie can still be taken on a phone (unless
// this page is that phone), or here once a camera is connected or allowed.
func (w *Widget) showNoCamera() {
	body := `<p class="or">` + esc(w.t.T("nocam_next")) + `</p>` + w.guidance()
	lead, actions := w.t.T("nocam_lead"), button("retry-camera", "primary", w.t.T("retry_camera"))
	if !w.viaHandoff() {
		lead = w.t.T("nocam_lead_phone")
		actions = button("handoff", "primary", w.t.T("ho_offer")) + button("retry-camera", "secondary", w.t.T("retry_camera"))
	}
	html := w.layout(page{step: 2, icon: `<div class="hero-bad">` + iconCameraOff + `</div>`, title: w.t.T("nocam_title"),
		lead: lead, body: body, actions: actions})
	w.render("no-camera", html, nil, w.t.T("nocam_title")+". "+lead)
	w.on("retry-camera", w.startLiveness)
	w.on("handoff", func() { w.startHandoff(w.startLiveness) })
}
