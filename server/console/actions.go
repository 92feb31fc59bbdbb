package console

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	_ "image/png" // decode PNG data sides for the MRZ crop
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/server/store"
)

// imageTypes are the content types images are served with; anything else is served as
// bytes to download, never rendered.
var imageTypes = []string{"image/jpeg", "image/png", "image/webp"}

func (c *Console) loadImage(w http.ResponseWriter, r *http.Request) (CaseImage, bool) {
	s := sessionFrom(r.Context())
	caseID, imageID := r.PathValue("id"), r.PathValue("img")
	if uuid.Validate(caseID) != nil || uuid.Validate(imageID) != nil {
		c.fail(w, r, s, http.StatusNotFound, "There is no such image.")
		return CaseImage{}, false
	}
	img, err := c.cfg.Reviews.Image(r.Context(), s.Actor, caseID, imageID)
	if err != nil {
		c.domainError(w, r, s, err)
		return img, false
	}
	if img.Data == nil {
		c.fail(w, r, s, http.StatusGone, "This image was deleted under the retention policy.")
		return img, false
	}
	return img, true
}

func (c *Console) image(w http.ResponseWriter, r *http.Request) {
	img, ok := c.loadImage(w, r)
	if !ok {
		return
	}
	ct := img.ContentType
	if !slices.Contains(imageTypes, ct) {
		ct = "application/octet-stream"
		w.Header().Set("Content-Disposition", "attachment")
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(img.Data)))
	_, _ = w.Write(img.Data)
}

// mrzShare is the bottom part of a data side that holds the machine-readable zone
// (three lines on an ID card, two on a passport's data page, with some margin).
const mrzShare = 0.32

// mrzCrop serves the bottom zone of a document side, where the machine-readable zone
// is, so the reviewer reads it beside the extracted data.
func (c *Console) mrzCrop(w http.ResponseWriter, r *http.Request) {
	img, ok := c.loadImage(w, r)
	if !ok {
		return
	}
	c.serveCrop(w, r, img, func(src image.Image) image.Rectangle {
		b := src.Bounds()
		return image.Rect(b.Min.X, b.Max.Y-int(float64(b.Dy())*mrzShare), b.Max.X, b.Max.Y)
	})
}

// serveCrop decodes an image, crops it to the region area picks and serves it as JPEG.
func (c *Console) serveCrop(w http.ResponseWriter, r *http.Request, img CaseImage, area func(image.Image) image.Rectangle) {
	src, _, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		c.fail(w, r, sessionFrom(r.Context()), http.StatusUnprocessableEntity, "This image cannot be cropped.")
		return
	}
	rect := area(src).Intersect(src.Bounds())
	crop := image.NewRGBA(image.Rect(0, 0, rect.Dx(), rect.Dy()))
	draw.Draw(crop, crop.Bounds(), src, rect.Min, draw.Src)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, crop, &jpeg.Options{Quality: 90}); err != nil {
		c.internal(w, r, sessionFrom(r.Context()), err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

func (c *Console) decide(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	id := r.PathValue("id")
	if uuid.Validate(id) != nil {
		c.fail(w, r, s, http.StatusNotFound, "There is no such case.")
		return
	}
	f := r.PostForm
	d := Decision{Note: strings.TrimSpace(f.Get("note"))}
	switch f.Get("outcome") {
	case "verified":
		d.Verified = true
	case "failed":
		d.Reason, d.RetryAllowed = f.Get("reason"), f.Get("retry") != "final"
	default:
		c.fail(w, r, s, http.StatusBadRequest, "Choose verified or failed.")
		return
	}
	if d.Note == "" {
		c.fail(w, r, s, http.StatusBadRequest, "A note is required: say why you decided so.")
		return
	}
	if _, err := c.cfg.Reviews.Decide(r.Context(), s.Actor, id, d); err != nil {
		c.domainError(w, r, s, err)
		return
	}
	http.Redirect(w, r, Prefix+"/queue?decided=1", http.StatusSeeOther)
}

type doneData struct {
	Message string
}

func (c *Console) reset(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	f := r.PostForm
	partnerID, userID, note := f.Get("partner_id"), f.Get("user_id"), strings.TrimSpace(f.Get("note"))
	if note == "" {
		c.fail(w, r, s, http.StatusBadRequest, "A note is required: say why the profile is reset.")
		return
	}
	st, err := c.cfg.Reviews.Reset(r.Context(), s.Actor, partnerID, userID, note)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "done", doneData{Message: "The profile was reset; its status is now " + string(st) + "."})
}

type confirmData struct {
	PartnerID, PartnerName, UserID string
}

// redact erases a user's personal data after a confirmation page. Only admins see the
// button; the role is checked here too (and again by the redactor).
func (c *Console) redact(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	if c.cfg.Redactor == nil {
		c.fail(w, r, s, http.StatusNotFound, "Redaction is not available on this server.")
		return
	}
	if s.Operator.Role != store.RoleAdmin {
		c.fail(w, r, s, http.StatusForbidden, "Only an admin may erase a user's data.")
		return
	}
	f := r.PostForm
	partnerID, userID := f.Get("partner_id"), f.Get("user_id")
	if uuid.Validate(partnerID) != nil || userID == "" {
		c.fail(w, r, s, http.StatusBadRequest, "Choose a partner and a user.")
		return
	}
	if f.Get("confirm") != "yes" {
		c.render(w, r, s, http.StatusOK, "confirm", confirmData{PartnerID: partnerID, PartnerName: c.partnerName(r, s, partnerID), UserID: userID})
		return
	}
	if err := c.cfg.Redactor.User(r.Context(), s.Actor, partnerID, userID); err != nil {
		c.domainError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "done", doneData{Message: "The user's personal data was erased. Their status history remains, without personal data."})
}

func (c *Console) partnerName(r *http.Request, s *sess, id string) string {
	ps, _ := c.cfg.Reviews.Partners(r.Context(), s.Actor)
	for _, p := range ps {
		if p.ID == id {
			return p.Name
		}
	}
	return id
}
