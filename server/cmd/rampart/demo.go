package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"slices"

	"github.com/rampart-id/rampart/server/app"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
)

const demoPartnerName = "Rampart Demo Shop"

// demoFile is where the demo partner's secrets are kept between starts: beside the SQLite
// database, like the generated master key, because the store keeps only the token's
// hash. "" for PostgreSQL, where every --demo start creates a new demo partner.
func demoFile(st *store.Store) string {
	if st.Path == "" {
		return ""
	}
	return st.Path + ".demo.json"
}

// demoPartner returns the demo partner of an earlier start on this database, so its
// test users and their statuses stay visible under the same token, or creates one. An
// earlier partner is reused only while its token still works and its origins still
// include the shop's (the shop port follows --listen).
func demoPartner(ctx context.Context, a *app.App, st *store.Store, origins []string, log *slog.Logger) (created partner.Created, reused bool, err error) {
	path := demoFile(st)
	if path != "" {
		if c, ok := loadDemo(ctx, st, path, origins[0]); ok {
			return c, true, nil
		}
	}
	created, err = a.Partners.CreatePartner(ctx, partner.NewPartner{Name: demoPartnerName, Test: true, Origins: origins})
	if err != nil || path == "" {
		return created, false, err
	}
	b, err := json.Marshal(created)
	if err != nil {
		return created, false, err
	}
	if err := writePrivate(path, b); err != nil {
		// The demo still works this time; the next start just creates another partner.
		log.Warn("could not keep the demo partner for the next start", "path", path, "error", err.Error())
	}
	return created, false, nil
}

func loadDemo(ctx context.Context, st *store.Store, path, shopOrigin string) (partner.Created, bool) {
	var c partner.Created
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ClientToken == "" {
		return c, false
	}
	p, _, err := st.Read().ClientToken(ctx, auth.Hash(c.ClientToken))
	if err != nil || p.ID != c.PartnerID || !p.TestMode || p.Name != demoPartnerName || !slices.Contains(p.Origins, shopOrigin) {
		return c, false
	}
	return c, true
}

// writePrivate replaces path with b, readable by the owner only (it holds a live token).
func writePrivate(path string, b []byte) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
