package widget

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image/jpeg"
	"strings"

	"github.com/rampart-id/rampart/document"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality"
)

// docKey is the document type as the i18n keys and element ids spell it (the shared
// kyc names, the same the server stores).
func docKey(d widgetv1.DocumentType) string {
	if n := kyc.DocumentName(d); n != "" {
		return n
	}
	return kyc.Passport
}

func (w *Widget) sideKey() string {
	if w.side == widgetv1.DocumentSide_DOCUMENT_SIDE_BACK {
		return "back"
	}
	return "front"
}

func (w *Widget) showDocType() {
	var b strings.Builder
	b.WriteString(`<div class="choices">`)
	for _, d := range []struct {
		t    widgetv1.DocumentType
		icon string
	}{
		{widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT, iconPassport},
		{widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID, iconIDCard},
		{widgetv1.DocumentType_DOCUMENT_TYPE_DRIVERS_LICENCE, iconLicence},
	} {
		k := docKey(d.t)
		b.WriteString(choice("doc-"+k, d.icon, w.t.T("doc_"+k), w.t.T("doc_"+k+"_hint")))
	}
	b.WriteString(`</div>`)
	var actions string
	if w.offerHandoff() {
		actions = button("handoff", "secondary", w.t.T("ho_offer"))
	}
	html := w.layout(page{step: 1, title: w.t.T("doc_title"), lead: w.t.T("doc_lead"), body: b.String(), actions: actions})
	w.render("doc-type", html, nil, w.t.T("doc_title"))
	w.on("handoff", func() { w.startHandoff(w.showDocType) })
	for _, d := range []widgetv1.DocumentType{widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
		widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID, widgetv1.DocumentType_DOCUMENT_TYPE_DRIVERS_LICENCE} {
		w.on("doc-"+docKey(d), func() {
			w.doc, w.side = d, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT
			w.capture()
		})
	}
}

// capture checks the camera, then shows the capture screen of the current side.
func (w *Widget) capture() {
	w.async(func(ctx context.Context) func() {
		sup := w.b.CameraSupport(ctx)
		return func() {
			if sup == CameraAvailable {
				w.showCapture(true, "")
			} else {
				w.showCapture(false, w.t.T("cap_no_camera"))
			}
		}
	})
}

func (w *Widget) showCapture(camera bool, note string) {
	var b strings.Builder
	if camera {
		guide := "guide card"
		if !kyc.NeedsBack(docKey(w.doc)) {
			guide = "guide passport"
		}
		b.WriteString(`<div class="viewfinder"><video id="viewfinder" autoplay muted playsinline aria-hidden="true"></video>` +
			`<div class="` + guide + `"></div></div><p id="cam-status" class="cam-status">` + esc(w.t.T("cap_starting")) + `</p>` +
			`<div id="shutter-slot" class="shutter-slot">` + shutter(w.t.T("cap_shutter"), false) + `</div>` +
			`<div id="auto-slot" class="auto-slot">` + w.autoToggle() + `</div>`)
	} else {
		b.WriteString(`<div class="placeholder">` + iconCameraOff + `<p>` + esc(note) + `</p></div>`)
	}
	b.WriteString(notice)
	label := w.t.T("upload")
	if camera {
		label = w.t.T("upload_instead")
	}
	b.WriteString(w.uploadControl(!camera, label))
	title := w.t.T("cap_" + docKey(w.doc) + "_" + w.sideKey())
	html := w.layout(page{step: 1, title: title, lead: w.t.T("cap_hint"), body: b.String(),
		actions: button("back", "ghost", w.t.T("back"))})
	w.render("capture-"+w.sideKey(), html, nil, title)
	w.onFile = w.picked
	w.on("back", w.showDocType)
	if !camera {
		return
	}
	w.on("capture", w.shoot)
	w.bindAutoToggle()
	w.async(func(ctx context.Context) func() {
		err := w.b.StartCamera(ctx, "viewfinder", FacingEnvironment)
		return func() {
			switch {
			case err == nil:
				w.b.Patch("shutter-slot", shutter(w.t.T("cap_shutter"), true))
				w.b.Patch("cam-status", esc(w.t.T("cap_ready")))
				w.b.Announce(w.t.T("cap_ready"))
				w.startAutoCapture()
			case errors.Is(err, ErrCameraDenied):
				w.showCameraDenied(false)
			case errors.Is(err, ErrNoCamera):
				w.showCapture(false, w.t.T("cap_no_camera"))
			default:
				w.showCapture(false, w.t.T("cap_failed"))
			}
		}
	})
}

// shutter is the round capture button; disabled until the camera runs.
func shutter(label string, enabled bool) string {
	dis := " disabled"
	if enabled {
		dis = ""
	}
	return `<button type="button" id="capture" class="shutter" aria-label="` + esc(label) + `"` + dis + `>` +
		`<span aria-hidden="true"></span></button>`
}

// shoot grabs a frame from the document camera.
func (w *Widget) shoot() {
	w.auto.fired = true
	w.b.Patch("shutter-slot", shutter(w.t.T("cap_shutter"), false))
	w.b.Patch("cam-status", esc(w.t.T("cap_capturing")))
	w.async(func(ctx context.Context) func() {
		p, err := w.b.CaptureFrame(ctx, DocMaxSide, DocJPEGQuality)
		if err != nil {
			return func() { w.showCapture(false, w.t.T("cap_failed")) }
		}
		return w.check(p)
	})
}

// picked handles a file chosen on a capture or camera-denied screen.
func (w *Widget) picked(p Photo, err error) {
	if err != nil {
		w.b.Patch("notice", esc(w.t.T("file_unreadable")))
		w.b.Announce(w.t.T("file_unreadable"))
		return
	}
	w.b.Patch("notice", esc(w.t.T("checking")))
	w.async(func(context.Context) func() { return w.check(p) })
}

// check runs the server's quality checks on the prepared JPEG (decoded exactly as the
// server will decode it) and returns the continuation that shows the verdict.
func (w *Widget) check(p Photo) func() {
	img, err := jpeg.Decode(bytes.NewReader(p.JPEG))
	if err != nil {
		return func() {
			w.b.Patch("notice", esc(w.t.T("file_unreadable")))
			w.b.Announce(w.t.T("file_unreadable"))
		}
	}
	r := review{photo: p, local: quality.Assess(img)}
	// On the side that carries the document's machine-readable data, read it now with
	// the server's own reader: a photo it cannot read is retaken at once, not failed
	// minutes later.
	if name := docKey(w.doc); document.DataSide(name) == w.sideKey() {
		_, err := document.ReadSide(img, name, w.b.Now())
		r.read, r.unreadable = true, err != nil
	}
	return func() { w.showReview(r) }
}

// review is a photo under review: the local verdict and, once uploaded, the server's.
type review struct {
	photo    Photo
	local    quality.Report
	uploaded bool
	server   []*widgetv1.QualityCheck
	// read: the machine-readable data was looked for; unreadable: it was not read.
	read, unreadable bool
}

func (w *Widget) showReview(r review) {
	ok := r.local.OK() && !r.unreadable
	lead := w.t.T("rev_ok")
	if r.uploaded {
		lead = w.t.T("rev_server_bad")
	} else if !ok {
		lead = w.t.T("rev_bad")
	}
	var b strings.Builder
	b.WriteString(`<img class="preview" alt="` + esc(w.t.T("rev_alt")) + `" src="data:image/jpeg;base64,` +
		base64.StdEncoding.EncodeToString(r.photo.JPEG) + `">`)
	b.WriteString(`<ul class="checks">`)
	for _, c := range r.local.Checks {
		b.WriteString(w.checkItem(c.Name, c.Passed, c.Reason))
	}
	if r.read {
		b.WriteString(w.dataItem(!r.unreadable))
	}
	b.WriteString(`</ul>`)
	if r.uploaded {
		b.WriteString(`<h2 class="sub">` + esc(w.t.T("rev_server_list")) + `</h2><ul class="checks">`)
		for _, c := range r.server {
			b.WriteString(w.checkItem(c.GetName(), c.GetPassed(), c.GetReason()))
		}
		b.WriteString(`</ul>`)
		ok = false
	}
	html := w.layout(page{step: 1, title: w.t.T("rev_title"), lead: lead, body: b.String(), actions: w.reviewActions(ok, false)})
	w.render("review-image", html, nil, w.t.T("rev_title")+". "+lead)
	w.on("retake", w.capture)
	w.on("accept", func() {
		if r.uploaded { // the server already stored it; the user keeps it anyway
			w.nextSide()
			return
		}
		w.upload(r)
	})
}

// dataItem says whether the document's data was read, and if not, what to show.
func (w *Widget) dataItem(read bool) string {
	if read {
		return `<li class="ok" id="data-read">` + iconCheck + `<span>` + esc(w.t.T("ok_document_data")) +
			`<span class="sr-only"> — ` + esc(w.t.T("check_passed")) + `</span></span></li>`
	}
	return `<li class="bad" id="data-unreadable">` + iconAlert + `<span><span class="sr-only">` + esc(w.t.T("check_failed")) + `: </span>` +
		esc(w.t.T("unreadable_"+docKey(w.doc))) + `</span></li>`
}

func (w *Widget) checkItem(name string, passed bool, reason string) string {
	if passed {
		return `<li class="ok">` + iconCheck + `<span>` + esc(w.t.T("ok_"+name)) +
			`<span class="sr-only"> — ` + esc(w.t.T("check_passed")) + `</span></span></li>`
	}
	return `<li class="bad">` + iconAlert + `<span><span class="sr-only">` + esc(w.t.T("check_failed")) + `: </span>` +
		esc(w.t.Reason(reason)) + `</span></li>`
}

// reviewActions puts the recommended choice first: use the photo when it passed,
// retake it when it did not ("Use anyway" stays available; the server decides).
func (w *Widget) reviewActions(ok, busy bool) string {
	accept, retake := w.t.T("accept"), w.t.T("retake")
	if busy {
		return busyButton("accept", "primary", w.t.T("uploading")) + `<button type="button" id="retake" class="btn secondary" disabled>` + esc(retake) + `</button>`
	}
	if ok {
		return button("accept", "primary", accept) + button("retake", "secondary", retake)
	}
	return button("retake", "primary", retake) + button("accept", "secondary", w.t.T("accept_anyway"))
}

func (w *Widget) upload(r review) {
	w.b.Patch("actions", w.reviewActions(true, true))
	w.b.Announce(w.t.T("uploading"))
	req := &widgetv1.UploadDocumentRequest{DocumentType: w.doc, Side: w.side, Image: r.photo.JPEG}
	w.async(func(ctx context.Context) func() {
		res, err := w.api.UploadDocument(ctx, req)
		return func() {
			if err != nil {
				w.fail(err, func() { w.showReview(r) })
				return
			}
			if !res.GetAccepted() && !seen(r.local, res.GetQuality()) {
				r.uploaded, r.server = true, res.GetQuality()
				w.showReview(r)
				return
			}
			w.nextSide()
		}
	})
}

// seen reports whether every problem the server found was already shown to the user
// from the local checks (who then chose "Use anyway"), so it is not asked twice.
func seen(local quality.Report, server []*widgetv1.QualityCheck) bool {
	known := map[string]bool{}
	for _, r := range local.Reasons() {
		known[r] = true
	}
	for _, c := range server {
		if !c.GetPassed() && !known[c.GetReason()] {
			return false
		}
	}
	return true
}

// nextSide continues after an accepted image: the back of a card, or the selfie.
func (w *Widget) nextSide() {
	if w.side == widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT && kyc.NeedsBack(docKey(w.doc)) {
		w.side = widgetv1.DocumentSide_DOCUMENT_SIDE_BACK
		w.capture()
		return
	}
	w.showLivenessIntro()
}

// showCameraDenied explains how to allow the camera on each platform. For documents the
// user can still upload a file; the selfie needs the camera.
func (w *Widget) showCameraDenied(liveness bool) {
	step := 1
	body := w.guidance()
	if liveness {
		step = 2
	} else {
		body += `<p class="or">` + esc(w.t.T("den_upload")) + `</p>` + notice + w.uploadControl(false, w.t.T("upload"))
	}
	actions := button("retry-camera", "primary", w.t.T("retry_camera"))
	if liveness && !w.viaHandoff() { // the selfie cannot be uploaded: a phone is the other way on
		actions += button("handoff", "secondary", w.t.T("ho_offer"))
	}
	html := w.layout(page{step: step, icon: `<div class="hero-bad">` + iconCameraOff + `</div>`, title: w.t.T("den_title"),
		lead: w.t.T("den_lead"), body: body, actions: actions})
	w.render("camera-denied", html, nil, w.t.T("den_title")+". "+w.t.T("den_lead"))
	if liveness {
		w.on("retry-camera", w.startLiveness)
		w.on("handoff", func() { w.startHandoff(w.startLiveness) })
	} else {
		w.on("retry-camera", w.capture)
		w.onFile = w.picked
	}
}

// guidance says where the user's own platform keeps the camera permission; the other
// platforms' steps are behind an "Other devices" disclosure (a native <details>, so it
// is keyboard- and screen-reader-operable without script).
func (w *Widget) guidance() string {
	d := w.b.Device()
	mine := detectPlatform(d.UserAgent, d.TouchPoints)
	item := func(p platform) string {
		return `<div id="guide-` + string(p) + `"><dt>` + esc(w.t.T("den_"+string(p)+"_t")) + `</dt><dd>` + esc(w.t.T("den_"+string(p))) + `</dd></div>`
	}
	var b strings.Builder
	b.WriteString(`<dl class="guide-list">` + item(mine) + `</dl>`)
	b.WriteString(`<details class="others" id="other-devices"><summary>` + esc(w.t.T("den_other")) + `</summary><dl class="guide-list">`)
	for _, p := range platforms {
		if p != mine {
			b.WriteString(item(p))
		}
	}
	b.WriteString(`</dl></details>`)
	return b.String()
}
