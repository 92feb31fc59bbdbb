package console

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/store"
)

const queuePage = 50

// ageFilters are the queue's "waiting at least" choices.
var ageFilters = []struct {
	Value, Label string
	D            time.Duration
}{{"", "Any age", 0}, {"1h", "1 hour", time.Hour}, {"4h", "4 hours", 4 * time.Hour}, {"24h", "1 day", 24 * time.Hour},
	{"72h", "3 days", 72 * time.Hour}}

type option struct {
	Value, Label string
	Selected     bool
	Count        int
}

type queueRow struct {
	Case        store.Case
	PartnerName string
	Reasons     []string
}

type queueData struct {
	Partners, Reasons, Ages []option
	Total                   int
	ByReason, ByPartner     []option
	Rows                    []queueRow
	Next                    template.URL // the next page, "" on the last
	Decided                 bool
	Filtered                bool
}

func (c *Console) queue(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	q := r.URL.Query()
	f := QueueFilter{PartnerID: q.Get("partner"), Reason: q.Get("reason"), Limit: queuePage}
	if f.PartnerID != "" && uuid.Validate(f.PartnerID) != nil {
		c.fail(w, r, s, http.StatusBadRequest, "Unknown partner.")
		return
	}
	if f.Reason != "" && !slices.Contains(reviewReasons, f.Reason) {
		c.fail(w, r, s, http.StatusBadRequest, "Unknown reason.")
		return
	}
	for _, a := range ageFilters {
		if a.Value == q.Get("age") {
			f.OlderThan = a.D
		}
	}
	if at, id, ok := strings.Cut(q.Get("after"), "."); ok {
		n, err := strconv.ParseInt(at, 10, 64)
		if err != nil || uuid.Validate(id) != nil {
			c.fail(w, r, s, http.StatusBadRequest, "Bad page link.")
			return
		}
		f.AfterAt, f.AfterID = n, id
	}
	partners, err := c.cfg.Reviews.Partners(r.Context(), s.Actor)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	entries, counts, err := c.cfg.Reviews.Queue(r.Context(), s.Actor, f)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	names := map[string]string{}
	d := queueData{Total: counts.Total, Decided: q.Get("decided") == "1",
		Filtered: f.PartnerID != "" || f.Reason != "" || f.OlderThan > 0}
	d.Partners = append(d.Partners, option{Value: "", Label: "All partners"})
	for _, p := range partners {
		names[p.ID] = p.Name
		d.Partners = append(d.Partners, option{Value: p.ID, Label: p.Name, Selected: p.ID == f.PartnerID})
	}
	d.Reasons = append(d.Reasons, option{Value: "", Label: "All reasons"})
	for _, code := range reviewReasons {
		d.Reasons = append(d.Reasons, option{Value: code, Label: reasonText(code), Selected: code == f.Reason})
	}
	for _, a := range ageFilters {
		d.Ages = append(d.Ages, option{Value: a.Value, Label: a.Label, Selected: a.D == f.OlderThan})
	}
	for code, n := range counts.ByReason {
		d.ByReason = append(d.ByReason, option{Value: code, Label: reasonText(code), Count: n, Selected: code == f.Reason})
	}
	for id, n := range counts.ByPartner {
		label := names[id]
		if label == "" {
			label = id
		}
		d.ByPartner = append(d.ByPartner, option{Value: id, Label: label, Count: n, Selected: id == f.PartnerID})
	}
	byCount := func(o []option) {
		sort.Slice(o, func(i, j int) bool {
			return o[i].Count > o[j].Count || o[i].Count == o[j].Count && o[i].Label < o[j].Label
		})
	}
	byCount(d.ByReason)
	byCount(d.ByPartner)
	for _, e := range entries {
		d.Rows = append(d.Rows, queueRow{Case: e.Case, PartnerName: names[e.Case.PartnerID], Reasons: e.ReviewReasons})
	}
	if len(entries) == f.Limit {
		last := entries[len(entries)-1].Case
		next := url.Values{}
		for k, v := range map[string]string{"partner": f.PartnerID, "reason": f.Reason, "age": q.Get("age")} {
			if v != "" {
				next.Set(k, v)
			}
		}
		next.Set("after", strconv.FormatInt(last.SubmittedAt.UnixMicro(), 10)+"."+last.ID)
		d.Next = template.URL(Prefix + "/queue?" + next.Encode())
	}
	c.render(w, r, s, http.StatusOK, "queue", d)
}

type caseData struct {
	View          CaseView
	Documents     []CaseImage
	Frames        []CaseImage
	Portrait      *CaseImage // the document side with the photo
	BestFrame     *CaseImage
	FaceMatch     *checkLine
	DataSide      *CaseImage // the side the machine-readable data was read from
	Checks        []checkLine
	Open          bool // waiting for a decision
	CanReset      bool
	FailReasons   []option
	RedactEnabled bool
}

func (c *Console) casePage(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	id := r.PathValue("id")
	if uuid.Validate(id) != nil {
		c.fail(w, r, s, http.StatusNotFound, "There is no such case.")
		return
	}
	v, err := c.cfg.Reviews.Case(r.Context(), s.Actor, id)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	d := caseData{View: v, Open: v.Case.State == store.CaseSubmitted && v.Status == kyc.Pending,
		CanReset: v.Status == kyc.Failed, RedactEnabled: c.cfg.Redactor != nil}
	for i := range v.Images {
		img := &v.Images[i]
		switch img.Kind {
		case store.ImageFront, store.ImageBack:
			d.Documents = append(d.Documents, *img)
		case store.ImageLiveness:
			d.Frames = append(d.Frames, *img)
		}
	}
	d.Portrait = firstOf(d.Documents, store.ImageFront)
	if len(d.Frames) > 0 {
		// The first frame is taken facing the camera, before any move is asked.
		d.BestFrame = &d.Frames[0]
	}
	d.DataSide = d.Portrait
	if id := v.Identity; id != nil && !(id.Source == "mrz" && id.DocumentType == kyc.Passport) {
		if back := firstOf(d.Documents, store.ImageBack); back != nil {
			d.DataSide = back
		}
	}
	for _, ch := range v.Checks {
		l := describeCheck(ch)
		d.Checks = append(d.Checks, l)
		if ch.Name == "face_match" {
			d.FaceMatch = &l
		}
	}
	for _, code := range failReasons {
		d.FailReasons = append(d.FailReasons, option{Value: code, Label: reasonText(code)})
	}
	c.render(w, r, s, http.StatusOK, "case", d)
}

func firstOf(imgs []CaseImage, kind string) *CaseImage {
	for i := range imgs {
		if imgs[i].Kind == kind {
			return &imgs[i]
		}
	}
	return nil
}

type searchData struct {
	Partners      []option
	UserID        string
	PartnerID     string
	Searched      bool
	Cases         []store.Case
	RedactEnabled bool
}

func (c *Console) searchPage(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	d, err := c.searchForm(r, s, "")
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "search", d)
}

func (c *Console) searchForm(r *http.Request, s *sess, partnerID string) (searchData, error) {
	d := searchData{RedactEnabled: c.cfg.Redactor != nil, PartnerID: partnerID}
	partners, err := c.cfg.Reviews.Partners(r.Context(), s.Actor)
	for _, p := range partners {
		d.Partners = append(d.Partners, option{Value: p.ID, Label: p.Name, Selected: p.ID == partnerID})
	}
	return d, err
}

// search is a post so the user id (the partner's own, perhaps an email) never enters a
// URL, a browser history or an access log.
func (c *Console) search(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	partnerID, userID := r.PostForm.Get("partner_id"), strings.TrimSpace(r.PostForm.Get("user_id"))
	d, err := c.searchForm(r, s, partnerID)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	d.UserID, d.Searched = userID, true
	if userID == "" || uuid.Validate(partnerID) != nil {
		c.fail(w, r, s, http.StatusBadRequest, "Choose a partner and enter the user's id.")
		return
	}
	d.Cases, err = c.cfg.Reviews.Find(r.Context(), s.Actor, partnerID, userID)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "search", d)
}
