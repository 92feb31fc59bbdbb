package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/vault"
	"github.com/rampart-id/rampart/server/verify"
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
		return fmt.Errorf("usage: rampart partner create|update|rotate-token [flags]")
	}
	fs := flag.NewFlagSet("partner "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs)
	var origins stringList
	name := fs.String("name", "", "partner name (create)")
	fs.Var(&origins, "origin", "allowed origin, repeatable (create)")
	webhook := fs.String("webhook-url", "", "webhook URL (create, update; live partners: public https; update: empty stops webhooks)")
	test := fs.Bool("test", false, "test mode: rp_test_ token (create)")
	attempts := fs.Int("max-attempts", 3, "KYC attempts per user (create)")
	share := fs.Bool("share-identity", false, "the partner may read its verified users' identity (create)")
	minAge := fs.Int("min-age", kyc.DefaultMinAge, "youngest age the partner accepts (create)")
	privacy := fs.String("privacy-url", "", "the partner's privacy policy, linked from the consent screen (create, update; https; update: empty removes it)")
	support := fs.String("support-url", "", "where the partner's users get help, linked when no attempts are left (create, update; https; update: empty removes it)")
	partnerID := fs.String("partner-id", "", "partner id (update, rotate-token)")
	grace := fs.Duration("grace", 24*time.Hour, "how long current tokens keep working (rotate-token)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, keys, err := c.openWithKeys(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	m := partner.NewManager(st, keys, partner.Config{Tokens: auth.NewTagger(keys.TokenKeys()...)})
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	switch args[0] {
	case "create":
		created, err := m.CreatePartner(ctx, partner.NewPartner{Name: *name, Origins: origins, WebhookURL: *webhook, Test: *test, MaxAttempts: *attempts,
			ShareIdentity: *share, MinAge: *minAge, PrivacyURL: *privacy, SupportURL: *support})
		if err != nil {
			return err
		}
		return enc.Encode(created)
	case "update":
		id, err := partnerIDFlag(*partnerID)
		if err != nil {
			return err
		}
		var l partner.Links
		var hook *string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "privacy-url":
				l.PrivacyURL = privacy
			case "support-url":
				l.SupportURL = support
			case "webhook-url":
				hook = webhook
			}
		})
		if l.PrivacyURL == nil && l.SupportURL == nil && hook == nil {
			return errors.New("update needs --privacy-url, --support-url and/or --webhook-url")
		}
		if hook != nil {
			err = m.UpdateWebhook(ctx, id, *hook)
		}
		if err == nil && (l.PrivacyURL != nil || l.SupportURL != nil) {
			err = m.UpdateLinks(ctx, id, l)
		}
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no partner %q", id)
		} else if err != nil {
			return err
		}
		return enc.Encode(map[string]string{"partner_id": id, "status": "updated"})
	case "rotate-token":
		id, err := partnerIDFlag(*partnerID)
		if err != nil {
			return err
		}
		tok, err := m.RotateToken(ctx, id, *grace)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no partner %q", id)
		} else if err != nil {
			return err
		}
		*partnerID = id
		return enc.Encode(map[string]string{"partner_id": *partnerID, "client_token": tok,
			"old_tokens_expire_at": time.Now().Add(*grace).UTC().Format(time.RFC3339)})
	}
	return fmt.Errorf("unknown partner command %q", args[0])
}

// partnerIDFlag checks a --partner-id value: a partner id is a UUID, and any other
// string is refused here rather than sent to the database.
func partnerIDFlag(v string) (string, error) {
	id, ok := store.CanonicalID(strings.TrimSpace(v))
	if !ok {
		return "", fmt.Errorf("--partner-id %q is not a partner id (a UUID, as printed by partner create)", v)
	}
	return id, nil
}

const operatorUsage = `usage:
  rampart operator token [--name NAME] [--role reviewer|admin] [--ttl 12h]   (--ttl at most 24h)
  rampart operator revoke --name NAME | --token rpo_…   (--name: every token of that operator)`

func operatorCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "token" && args[0] != "revoke") {
		return errors.New(operatorUsage)
	}
	fs := flag.NewFlagSet("operator "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs)
	defName := env("USER", "operator")
	if args[0] == "revoke" {
		defName = ""
	}
	name := fs.String("name", defName, "who the token is for (recorded with each decision); revoke: revoke all of this operator's tokens")
	ttl := fs.Duration("ttl", 12*time.Hour, "how long the token is valid (token; at most 24h)")
	token := fs.String("token", "", "the operator token to revoke (revoke)")
	role := fs.String("role", string(store.RoleReviewer), "reviewer (queue, cases, decisions) or admin (also redaction, audit export) (token)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "token" && (*ttl <= 0 || *ttl > store.MaxOperatorTokenTTL) {
		return fmt.Errorf("--ttl %s: an operator token lives at most %gh (and more than 0); issue a new one when it runs out",
			*ttl, store.MaxOperatorTokenTTL.Hours())
	}
	if args[0] == "token" && !store.Role(*role).Valid() {
		return fmt.Errorf("--role %q: must be reviewer or admin", *role)
	}
	var hash []byte
	if args[0] == "revoke" {
		*token = strings.TrimSpace(*token)
		if *token == "" && *name == "" {
			return errors.New("revoke needs --name or --token\n" + operatorUsage)
		}
		if *token != "" {
			if !auth.WellFormed(*token, auth.PrefixOperator) {
				return errors.New("--token is not an operator token (rpo_…)")
			}
			hash = auth.Hash(*token)
		}
	}
	st, keys, err := c.openWithKeys(ctx) // the master key tags the token (see auth.Tagger)
	if err != nil {
		return err
	}
	defer st.Close()
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if args[0] == "revoke" {
		var n int64
		if err := st.InTx(ctx, func(tx *store.Tx) (err error) { n, err = tx.RevokeOperatorTokens(ctx, *name, hash); return err }); err != nil {
			return err
		}
		if n == 0 {
			return errors.New("no such operator token: nothing revoked")
		}
		return enc.Encode(map[string]any{"revoked": n})
	}
	tok, hash := auth.NewTagger(keys.TokenKeys()...).New(auth.PrefixOperator)
	var expires time.Time
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		expires = tx.Now().Add(*ttl)
		return tx.CreateOperatorToken(ctx, hash, store.Operator{Name: *name, Role: store.Role(*role)}, expires)
	}); err != nil {
		return err
	}
	return enc.Encode(map[string]string{"operator_token": tok, "name": *name, "role": *role, "expires_at": expires.UTC().Format(time.RFC3339)})
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
		// The duplicate-document index is keyed per master key: recompute it under the
		// current one, so the old key's entries are not lost when it is dropped.
		n, err = st.RekeyDocuments(ctx, func(caseID string, sealed []byte) ([]byte, error) {
			id, err := verify.OpenIdentity(keys, store.CaseIdentity{CaseID: caseID, Sealed: sealed})
			if err != nil {
				return nil, err
			}
			return verify.DocumentKeys(keys.IndexKeys()[:1], id)[0], nil
		})
		fmt.Printf("re-keyed the document index of %d identities\n", n)
	}
	if err == nil {
		fmt.Println("once every server runs with the new --master-key, the old key can be dropped from --old-master-keys")
	}
	return err
}
