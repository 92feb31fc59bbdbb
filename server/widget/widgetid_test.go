package widget_test

import (
	"context"
	"net/http"
	"testing"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// TestInitTokenBoundToWidgetID: a widget page of partner D (framed by D's origins) does
// not start partner B's session; the refused attempt leaves B's token usable on B's own
// widget page.
func TestInitTokenBoundToWidgetID(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		b := srv.NewPartner(t, "B", "https://b.example")
		d := srv.NewPartner(t, "D", "https://d.example")
		_, err := srv.App.Partners.CreateSession(ctx, mustPartner(t, srv, b.PartnerID), sessionReq("victim"), "")
		tok, ok := kycToken(err)
		if !ok {
			t.Fatalf("create session: %v", err)
		}
		api := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
		if _, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: tok, WidgetId: d.WidgetID}); slug(err) != "unauthorized" {
			t.Fatalf("B's token on D's widget: %v", err)
		}
		if _, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: tok, WidgetId: "wdg_unknown"}); slug(err) != "unauthorized" {
			t.Fatalf("B's token on an unknown widget: %v", err)
		}
		res, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: tok, WidgetId: b.WidgetID})
		if err != nil || res.GetPartnerName() != "B" {
			t.Fatalf("B's token on B's widget: %v %v", res, err)
		}
	})
}
