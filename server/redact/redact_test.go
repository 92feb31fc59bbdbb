package redact_test

import (
	"context"
	"net/http"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/redact"
	"github.com/rampart-id/rampart/server/store"
)

// knownUser makes the partner know a user: a session with an email and an order.
func knownUser(t *testing.T, srv *testserver.Server, p partner.Created, user string) {
	t.Helper()
	ctx := context.Background()
	pt, err := srv.Store.Read().PartnerByID(ctx, p.PartnerID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = srv.App.Partners.CreateSession(ctx, pt, &partnerv1.CreateSessionRequest{PartnerUserId: user, UserEmail: user + "@mail.example",
		Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "10"}, "")
	if e, ok := apierr.As(err); !ok || e.Code != apierr.KycRequired {
		t.Fatalf("create session: %v", err)
	}
}

// redactCall redacts user with token over one protocol and returns the redaction time
// (RFC 3339 nanos) or the error's code.
type redactCall func(t *testing.T, token, user string) (string, codes.Code)

func connectCall(c partnerv1connect.PartnerServiceClient) redactCall {
	return func(t *testing.T, token, user string) (string, codes.Code) {
		req := connect.NewRequest(&partnerv1.RedactUserRequest{PartnerUserId: user})
		req.Header().Set("Authorization", "Bearer "+token)
		res, err := c.RedactUser(context.Background(), req)
		if err != nil {
			return "", codes.Code(connect.CodeOf(err))
		}
		if res.Msg.GetPartnerUserId() != user || res.Msg.GetRedactedAt() == nil {
			t.Fatalf("response %v", res.Msg)
		}
		return res.Msg.GetRedactedAt().AsTime().String(), codes.OK
	}
}

func TestRedactUserEveryProtocol(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		shop, other := srv.NewPartner(t, "Shop"), srv.NewPartner(t, "Other")
		conn, err := grpc.NewClient(srv.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		grpcClient := partnerv1.NewPartnerServiceClient(conn)
		protocols := map[string]redactCall{
			"connect": connectCall(partnerv1connect.NewPartnerServiceClient(http.DefaultClient, srv.URL)),
			"connect-json": connectCall(partnerv1connect.NewPartnerServiceClient(http.DefaultClient, srv.URL,
				connect.WithProtoJSON())),
			"grpc": func(t *testing.T, token, user string) (string, codes.Code) {
				ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)
				res, err := grpcClient.RedactUser(ctx, &partnerv1.RedactUserRequest{PartnerUserId: user})
				if err != nil {
					return "", status.Code(err)
				}
				if res.GetPartnerUserId() != user || res.GetRedactedAt() == nil {
					t.Fatalf("response %v", res)
				}
				return res.GetRedactedAt().AsTime().String(), codes.OK
			},
		}
		for name, call := range protocols {
			user := "user-" + name
			knownUser(t, srv, shop, user)
			if _, code := call(t, other.ClientToken, user); code != codes.NotFound {
				t.Errorf("%s: another partner's redaction: %v, want NotFound", name, code)
			}
			if _, code := call(t, shop.ClientToken, "nobody"); code != codes.NotFound {
				t.Errorf("%s: unknown user: %v, want NotFound", name, code)
			}
			if _, code := call(t, "rp_test_wrong", user); code != codes.Unauthenticated {
				t.Errorf("%s: bad token: %v, want Unauthenticated", name, code)
			}
			first, code := call(t, shop.ClientToken, user)
			if code != codes.OK {
				t.Fatalf("%s: redact: %v", name, code)
			}
			again, code := call(t, shop.ClientToken, user)
			if code != codes.OK || again != first {
				t.Errorf("%s: repeat: %v %s, first %s", name, code, again, first)
			}
			var sessions int
			err := srv.Store.DB().QueryRow(`SELECT COUNT(*) FROM sessions WHERE partner_user_id = $1`, user).Scan(&sessions)
			if err != nil || sessions != 0 {
				t.Errorf("%s: %d sessions left (%v)", name, sessions, err)
			}
		}
	})
}

func TestRedactorRoles(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{Workers: -1})
	shop, other := srv.NewPartner(t, "Shop"), srv.NewPartner(t, "Other")
	knownUser(t, srv, shop, "ann")
	ctx := context.Background()
	r := redact.New(srv.Store)
	reviewer := audit.Operator(store.Operator{Name: "rita", Role: store.RoleReviewer}, "192.0.2.1")
	admin := audit.Operator(store.Operator{Name: "boss", Role: store.RoleAdmin}, "192.0.2.2")
	for _, c := range []struct {
		name      string
		a         audit.Actor
		partnerID string
		user      string
		want      apierr.Code
	}{
		{"reviewer", reviewer, shop.PartnerID, "ann", apierr.Forbidden},
		{"nobody", audit.Actor{ID: "someone"}, shop.PartnerID, "ann", apierr.Forbidden},
		{"another partner", audit.Partner(other.PartnerID, ""), shop.PartnerID, "ann", apierr.NotFound},
		{"admin, unknown user", admin, shop.PartnerID, "bob", apierr.NotFound},
		{"admin, unknown partner", admin, "not-a-partner", "ann", apierr.NotFound},
		{"admin, bad id", admin, shop.PartnerID, "", apierr.InvalidRequest},
	} {
		err := r.User(ctx, c.a, c.partnerID, c.user)
		if e, ok := apierr.As(err); !ok || e.Code != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	if entries, _ := srv.Store.Read().ListAudit(ctx, store.AuditFilter{Action: audit.UserRedact}); len(entries) != 0 {
		t.Fatalf("refused redactions were logged: %+v", entries)
	}
	if err := r.User(ctx, admin, shop.PartnerID, "ann"); err != nil {
		t.Fatal(err)
	}
	if err := r.User(ctx, admin, shop.PartnerID, "ann"); err != nil {
		t.Fatalf("repeat: %v", err)
	}
	entries, err := srv.Store.Read().ListAudit(ctx, store.AuditFilter{Action: audit.UserRedact})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit: %+v %v", entries, err)
	}
	for _, e := range entries {
		if e.Actor != "operator:boss" || e.PartnerID != shop.PartnerID || e.PartnerUserID != "ann" || e.Address != "192.0.2.2" {
			t.Errorf("audit entry %+v", e)
		}
	}
}
