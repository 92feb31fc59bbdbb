package main

import (
	"context"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
)

// TestOperatorTokenCLI: the TTL is capped at 24 h with a clear error, revocation needs a
// name or token and says when nothing matched, and partner ids are checked.
func TestOperatorTokenCLI(t *testing.T) {
	ctx := context.Background()
	db := testenv.SQLiteURL(t)
	if err := run(ctx, []string{"migrate", "up", "--database", db}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		wantErr string // "" = success
	}{
		{[]string{"operator", "token", "--name", "rita", "--ttl", "876000h"}, "at most"},
		{[]string{"operator", "token", "--name", "rita", "--ttl", "25h"}, "at most 24h"},
		{[]string{"operator", "token", "--name", "rita", "--ttl", "0s"}, "more than 0"},
		{[]string{"operator", "token", "--name", "rita", "--ttl", "24h"}, ""},
		{[]string{"operator", "revoke"}, "needs --name or --token"},
		{[]string{"operator", "revoke", "--token", "nope"}, "not an operator token"},
		{[]string{"operator", "revoke", "--name", "rita"}, ""},
		{[]string{"operator", "revoke", "--name", "rita"}, "nothing revoked"},
		{[]string{"partner", "rotate-token", "--partner-id", "x'; --"}, "not a partner id"},
		{[]string{"webhook", "list", "--partner-id", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}, "not a partner id"},
	} {
		err := run(ctx, append(tc.args, "--database", db))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%v: %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.wantErr)
		}
	}
}
