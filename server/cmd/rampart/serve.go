package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/rampart-id/rampart/server/app"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
)

func serveCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c common
	c.register(fs)
	listen := fs.String("listen", env("RAMPART_LISTEN", ":8080"), "listen address (env RAMPART_LISTEN)")
	public := fs.String("public-url", os.Getenv("RAMPART_PUBLIC_URL"), "base URL browsers use to reach this server (env RAMPART_PUBLIC_URL; default http://127.0.0.1:PORT)")
	demo := fs.Bool("demo", false, "create a demo partner and print its token and a demo page URL")
	tlsCert := fs.String("tls-cert", os.Getenv("RAMPART_TLS_CERT"), "TLS certificate file (env RAMPART_TLS_CERT)")
	tlsKey := fs.String("tls-key", os.Getenv("RAMPART_TLS_KEY"), "TLS key file (env RAMPART_TLS_KEY)")
	migrateOnStart := fs.Bool("migrate", false, "apply migrations on start (always on for SQLite)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger()
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if st.Dialect() == store.SQLite || *migrateOnStart {
		if err := st.MigrateUp(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	keys, err := c.keyring(st, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if *public == "" {
		port := ln.Addr().(*net.TCPAddr).Port
		scheme := "http"
		if *tlsCert != "" {
			scheme = "https"
		}
		*public = fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
	}
	a, err := app.New(app.Config{PublicURL: *public, TLSCert: *tlsCert, TLSKey: *tlsKey, Logger: log}, st, keys)
	if err != nil {
		return err
	}
	if *demo {
		if err := setupDemo(ctx, a, *public); err != nil {
			return err
		}
	}
	log.Info("listening", "addr", ln.Addr().String(), "public_url", *public, "store", st.Dialect().String())
	if err := a.Serve(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("stopped")
	return nil
}

// setupDemo creates a test-mode demo partner (or a fresh token for the existing one)
// and prints how to try the API.
func setupDemo(ctx context.Context, a *app.App, public string) error {
	created, err := a.Partners.CreatePartner(ctx, partner.NewPartner{Name: "Rampart Demo Shop", Test: true,
		Origins: []string{strings.Replace(public, "127.0.0.1", "localhost", 1), public}})
	if err != nil {
		return err
	}
	out, _ := json.MarshalIndent(created, "", "  ")
	fmt.Printf(`
================ Rampart demo (test mode) ================
%s

Try it:
  curl -s %s/widget/users/user-123/kyc-status -H "Authorization: Bearer %s"
  curl -s -X POST %s/widget/session -H "Authorization: Bearer %s" \
    -d '{"partner_user_id":"user-123","user_email":"user@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"100.00"}'
Demo page: %s/healthz (the widget demo page arrives with the widget)
===========================================================

`, out, public, created.ClientToken, public, created.ClientToken, public)
	return nil
}
