package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/vault"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func migrateCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var c common
	c.register(fs)
	steps := fs.Int("steps", 0, "down: how many migrations to revert (0 = all)")
	if len(args) == 0 {
		return fmt.Errorf("usage: rampart migrate up|down|version|force-unlock [flags]")
	}
	action := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	switch action {
	case "up":
		err = st.MigrateUp(ctx)
	case "down":
		err = st.MigrateDown(ctx, *steps)
	case "force-unlock":
		err = st.ForceUnlock(ctx)
	case "version":
	default:
		return fmt.Errorf("unknown migrate action %q", action)
	}
	if err != nil {
		return err
	}
	v, err := st.MigrateVersionInfo(ctx)
	if err != nil {
		return err
	}
	if v.None {
		fmt.Println("version: none")
	} else {
		fmt.Printf("version: %d dirty: %v\n", v.Version, v.Dirty)
	}
	return nil
}

func partnerCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: rampart partner create|rotate-token [flags]")
	}
	fs := flag.NewFlagSet("partner "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs)
	var origins stringList
	name := fs.String("name", "", "partner name (create)")
	fs.Var(&origins, "origin", "allowed origin, repeatable (create)")
	webhook := fs.String("webhook-url", "", "webhook URL (create)")
	test := fs.Bool("test", false, "test mode: rp_test_ token (create)")
	attempts := fs.Int("max-attempts", 3, "KYC attempts per user (create)")
	partnerID := fs.String("partner-id", "", "partner id (rotate-token)")
	grace := fs.Duration("grace", 24*time.Hour, "how long current tokens keep working (rotate-token)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, keys, err := c.openWithKeys(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	m := partner.NewManager(st, keys, partner.Config{})
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	switch args[0] {
	case "create":
		created, err := m.CreatePartner(ctx, partner.NewPartner{Name: *name, Origins: origins, WebhookURL: *webhook, Test: *test, MaxAttempts: *attempts})
		if err != nil {
			return err
		}
		return enc.Encode(created)
	case "rotate-token":
		tok, err := m.RotateToken(ctx, *partnerID, *grace)
		if err != nil {
			return err
		}
		return enc.Encode(map[string]string{"partner_id": *partnerID, "client_token": tok,
			"old_tokens_expire_at": time.Now().Add(*grace).UTC().Format(time.RFC3339)})
	}
	return fmt.Errorf("unknown partner command %q", args[0])
}

func operatorCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "token" {
		return fmt.Errorf("usage: rampart operator token [--name NAME] [--ttl 12h]")
	}
	fs := flag.NewFlagSet("operator token", flag.ContinueOnError)
	var c common
	c.register(fs)
	name := fs.String("name", env("USER", "operator"), "who the token is for (recorded with each decision)")
	ttl := fs.Duration("ttl", 12*time.Hour, "how long the token is valid")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, err := c.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tok, hash := auth.New(auth.PrefixOperator)
	expires := time.Now().Add(*ttl)
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOperatorToken(ctx, hash, *name, expires) }); err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]string{"operator_token": tok, "name": *name, "expires_at": expires.UTC().Format(time.RFC3339)})
}

// keysCmd generates master keys and rotates every sealed blob to the current one.
func keysCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: rampart keys generate | keys rotate --master-key NEW --old-master-keys OLD[,OLD2]")
	}
	switch args[0] {
	case "generate":
		fmt.Println(vault.GenerateMasterKey())
		return nil
	case "rotate":
	default:
		return fmt.Errorf("unknown keys command %q", args[0])
	}
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	var c common
	c.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, keys, err := c.openWithKeys(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.RewrapAll(ctx, func(env []byte) ([]byte, error) {
		if id, err := vault.EnvelopeKeyID(env); err == nil && id == keys.CurrentKeyID() {
			return nil, nil // already under the current key
		}
		return keys.Rewrap(env)
	})
	fmt.Printf("re-wrapped %d blobs under master key %s\n", n, keys.CurrentKeyID())
	if err == nil {
		fmt.Println("once every server runs with the new --master-key, the old key can be dropped from --old-master-keys")
	}
	return err
}
