package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
)

const auditUsage = `usage:
  rampart audit export [--since RFC3339] [--until RFC3339] [--actor A] [--action A] [--partner ID] [--case ID]
    writes the matching audit entries as CSV to stdout, newest first (the export is itself recorded)`

// auditOut is where the export goes (tests capture it).
var auditOut io.Writer = os.Stdout

func auditCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return errors.New(auditUsage)
	}
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	var c common
	c.register(fs)
	since := fs.String("since", "", "RFC 3339 time: entries at or after it")
	until := fs.String("until", "", "RFC 3339 time: entries before it")
	actor := fs.String("actor", "", "only this actor (operator:NAME, partner:ID, cli:USER)")
	action := fs.String("action", "", "only this action (case.view, case.decide, identity.read, …)")
	partnerID := fs.String("partner", "", "only this partner id")
	caseID := fs.String("case", "", "only this case id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	f := store.AuditFilter{Actor: strings.TrimSpace(*actor), Action: strings.TrimSpace(*action)}
	var err error
	if f.Since, err = timeFlag("since", *since); err != nil {
		return err
	}
	if f.Until, err = timeFlag("until", *until); err != nil {
		return err
	}
	if *partnerID != "" {
		if f.PartnerID, err = partnerIDFlag(*partnerID); err != nil {
			return err
		}
	}
	if *caseID != "" {
		id, ok := store.CanonicalID(strings.TrimSpace(*caseID))
		if !ok {
			return fmt.Errorf("--case %q is not a case id (a UUID)", *caseID)
		}
		f.CaseID = id
	}
	st, err := c.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a := audit.Actor{ID: "cli:" + env("USER", "unknown"), Address: "local"}
	return review.Export(ctx, st, a, f, auditOut)
}

func timeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return t, fmt.Errorf("--%s: %q is not an RFC 3339 time (e.g. 2026-01-31T00:00:00Z)", name, v)
	}
	return t, nil
}
