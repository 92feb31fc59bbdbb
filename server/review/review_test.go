package review_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/uuid"

	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
)

func client(t *testing.T, srv *testserver.Server, name string) (reviewv1connect.ReviewServiceClient, string) {
	return clientAs(t, srv, name, store.RoleReviewer)
}

func clientAs(t *testing.T, srv *testserver.Server, name string, role store.Role) (reviewv1connect.ReviewServiceClient, string) {
	t.Helper()
	ctx := context.Background()
	tok, hash := auth.New(auth.PrefixOperator)
	if err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateOperatorToken(ctx, hash, store.Operator{Name: name, Role: role}, tx.Now().Add(time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	return reviewv1connect.NewReviewServiceClient(http.DefaultClient, srv.URL), tok
}

func authed[T any](msg *T, tok string) *connect.Request[T] {
	r := connect.NewRequest(msg)
	r.Header().Set("Authorization", "Bearer "+tok)
	return r
}

func wantCode(t *testing.T, what string, err error, want connect.Code) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != want {
		t.Errorf("%s: %v, want %s", what, err, want)
	}
}

// TestMalformedIDs: ids that are not UUIDs are invalid_request (400) and unknown ones
// not_found (404) on both databases, never an internal error.
func TestMalformedIDs(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		rc, tok := client(t, srv, "rita")
		for _, bad := range []string{"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "1", "", "' OR 1=1 --"} {
			_, err := rc.GetCase(ctx, authed(&reviewv1.GetCaseRequest{CaseId: bad}, tok))
			wantCode(t, "GetCase "+bad, err, connect.CodeInvalidArgument)
			_, err = rc.DecideCase(ctx, authed(&reviewv1.DecideCaseRequest{CaseId: bad, Decision: reviewv1.Decision_DECISION_VERIFIED}, tok))
			wantCode(t, "DecideCase "+bad, err, connect.CodeInvalidArgument)
			_, err = rc.ResetProfile(ctx, authed(&reviewv1.ResetProfileRequest{PartnerId: bad, PartnerUserId: "u"}, tok))
			wantCode(t, "ResetProfile "+bad, err, connect.CodeInvalidArgument)
		}
		_, err := rc.GetCase(ctx, authed(&reviewv1.GetCaseRequest{CaseId: uuid.NewString()}, tok))
		wantCode(t, "GetCase unknown", err, connect.CodeNotFound)
		_, err = rc.ResetProfile(ctx, authed(&reviewv1.ResetProfileRequest{PartnerId: uuid.NewString(), PartnerUserId: "u", Reason: "ticket 7"}, tok))
		wantCode(t, "ResetProfile unknown", err, connect.CodeNotFound)
		_, err = rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{PageToken: "MTIzfHp6eg"}, tok)) // "123|zzz"
		wantCode(t, "ListQueue bad cursor", err, connect.CodeInvalidArgument)
	})
}

// TestRevokedOperatorIsRefusedAtOnce: the call after a revocation is unauthenticated.
func TestRevokedOperatorIsRefusedAtOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		rc, tok := client(t, srv, "mallory")
		_, other := client(t, srv, "rita")
		if _, err := rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{}, tok)); err != nil {
			t.Fatal(err)
		}
		if err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.RevokeOperatorTokens(ctx, "mallory", nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, err := rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{}, tok))
		wantCode(t, "revoked token", err, connect.CodeUnauthenticated)
		if _, err := rc.ListQueue(ctx, authed(&reviewv1.ListQueueRequest{}, other)); err != nil {
			t.Errorf("another operator's token: %v", err)
		}
	})
}
