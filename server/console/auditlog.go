package console

import (
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

const auditPage = 100

var auditActions = []string{audit.CaseView, audit.ImageView, audit.CaseDecide, audit.ProfileReset, audit.UserRedact,
	audit.IdentityRead, audit.AuditExport, audit.SignIn, audit.SignOut}

type auditData struct {
	Actor, CaseID, Since, Until string
	Actions, Partners           []option
	Entries                     []store.AuditEntry
	Next                        template.URL
	Export                      template.URL // the CSV export of the same filter
}

// auditFilter reads the filter from the query: actor, action, case, partner and a date
// range (days, UTC). The partner's user id is not a filter: it would sit in the URL.
func auditFilter(q url.Values) (store.AuditFilter, url.Values, bool) {
	f := store.AuditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: q.Get("action"), CaseID: strings.TrimSpace(q.Get("case")),
		PartnerID: q.Get("partner")}
	kept := url.Values{}
	for _, k := range []string{"actor", "action", "case", "partner", "since", "until"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			kept.Set(k, v)
		}
	}
	if f.Action != "" && !slices.Contains(auditActions, f.Action) ||
		f.CaseID != "" && uuid.Validate(f.CaseID) != nil || f.PartnerID != "" && uuid.Validate(f.PartnerID) != nil || len(f.Actor) > 200 {
		return f, kept, false
	}
	for k, t := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := kept.Get(k); v != "" {
			d, err := time.Parse("2006-01-02", v)
			if err != nil {
				return f, kept, false
			}
			if k == "until" {
				d = d.Add(24 * time.Hour) // the whole last day
			}
			*t = d
		}
	}
	return f, kept, true
}

func (c *Console) admin(w http.ResponseWriter, r *http.Request, s *sess) bool {
	if s.Operator.Role != store.RoleAdmin {
		c.fail(w, r, s, http.StatusForbidden, "Only an admin may read or export the audit log.")
		return false
	}
	return true
}

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	if !c.admin(w, r, s) {
		return
	}
	q := r.URL.Query()
	f, kept, ok := auditFilter(q)
	if !ok {
		c.fail(w, r, s, http.StatusBadRequest, "Check the filter: an unknown action, a malformed id or date.")
		return
	}
	if at, id, ok := strings.Cut(q.Get("before"), "."); ok {
		n, err := strconv.ParseInt(at, 10, 64)
		if err != nil || uuid.Validate(id) != nil {
			c.fail(w, r, s, http.StatusBadRequest, "Bad page link.")
			return
		}
		f.BeforeAt, f.BeforeID = n, id
	}
	f.Limit = auditPage
	entries, err := c.cfg.Reviews.Audit(r.Context(), s.Actor, f)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	partners, err := c.cfg.Reviews.Partners(r.Context(), s.Actor)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	d := auditData{Actor: f.Actor, CaseID: f.CaseID, Since: kept.Get("since"), Until: kept.Get("until"), Entries: entries,
		Export: template.URL(Prefix + "/audit.csv?" + kept.Encode())}
	d.Actions = append(d.Actions, option{Value: "", Label: "All actions"})
	for _, a := range auditActions {
		d.Actions = append(d.Actions, option{Value: a, Label: a, Selected: a == f.Action})
	}
	d.Partners = append(d.Partners, option{Value: "", Label: "All partners"})
	for _, p := range partners {
		d.Partners = append(d.Partners, option{Value: p.ID, Label: p.Name, Selected: p.ID == f.PartnerID})
	}
	if len(entries) == auditPage {
		last := entries[len(entries)-1]
		next := url.Values{}
		for k, v := range kept {
			next[k] = v
		}
		next.Set("before", strconv.FormatInt(last.At.UnixMicro(), 10)+"."+last.ID)
		d.Next = template.URL(Prefix + "/audit?" + next.Encode())
	}
	c.render(w, r, s, http.StatusOK, "audit", d)
}

func (c *Console) auditExport(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	if !c.admin(w, r, s) {
		return
	}
	f, _, ok := auditFilter(r.URL.Query())
	if !ok {
		c.fail(w, r, s, http.StatusBadRequest, "Check the filter: an unknown action, a malformed id or date.")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="rampart-audit-`+time.Now().UTC().Format("20060102-150405")+`.csv"`)
	cw := &countingWriter{w: w}
	if err := c.cfg.Reviews.ExportAudit(r.Context(), s.Actor, f, cw); err != nil {
		if cw.n > 0 {
			// Too late for an error page: the download ends short, and the log says why.
			c.cfg.Logger.ErrorContext(r.Context(), "console audit export", "request_id", reqctx.RequestID(r.Context()), "error", err.Error())
			return
		}
		w.Header().Del("Content-Disposition")
		c.domainError(w, r, s, err)
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
