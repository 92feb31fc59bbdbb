package app_test

// Hostile input against one real server: callers holding the wrong partner's ids or the
// wrong kind of token, request ids chosen by the client, protocols at the edge (Connect
// GET, gRPC-Web, unknown procedures), and the operations endpoints (gRPC health and
// reflection). The scan of the logs for PII and secrets is in logs_test.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionalphapb "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/emptypb"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/app"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestRequestIDs: a sane inbound X-Request-Id is used and echoed; anything else is
// replaced by a fresh id; every error body (REST) or error detail (Connect, gRPC) carries
// the id of the X-Request-Id header, and the access log line the same id.
func TestRequestIDs(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	p := srv.NewPartner(t, "Acme", "https://acme.example")
	srv.ForceStatus(t, p.PartnerID, "vip", kyc.Verified, time.Time{})
	tok := "Bearer " + p.ClientToken

	sane := []string{"client-req.42_A", "a", strings.Repeat("x", 64), "0f8fad5b-d9cb-469f-a165-70867728950e"}
	insane := []string{strings.Repeat("x", 65), "has space", "semi;colon", "<script>", "ünïcode", "a/b", "rp_test_" + strings.Repeat("Z", 43) + "!"}
	type probe struct {
		name, method, path, body, auth, origin, ctype string
		want                                          int
	}
	probes := []probe{
		{"ok", "GET", "/widget/users/vip/kyc-status", "", tok, "", "", 200},
		{"no token", "GET", "/widget/users/vip/kyc-status", "", "", "", "", 401},
		{"bad origin", "GET", "/widget/users/vip/kyc-status", "", tok, "https://evil.example", "", 403},
		{"bad JSON", "POST", "/widget/session", `{"partner_user_id":`, tok, "", "application/json", 400},
		{"kyc required", "POST", "/widget/session", `{"partner_user_id":"new","user_email":"a@b.co","currency":"BTC","fiat_currency":"EUR","fiat_amount":"5"}`, tok, "", "application/json", 422},
		{"too large", "POST", "/widget/session", strings.Repeat(" ", 70<<10), tok, "", "application/json", 413},
		{"no route", "GET", "/widget/nope", "", tok, "", "", 404},
		{"unknown procedure", "POST", "/rampart.partner.v1.PartnerService/DeleteEverything", "{}", tok, "", "application/json", 404},
		{"unknown service", "POST", "/rampart.nope.v1.Nope/Do", "{}", tok, "", "application/json", 404},
		{"connect error", "POST", "/rampart.partner.v1.PartnerService/GetKycStatus", `{"partnerUserId":"vip"}`, "", "", "application/json", 401},
		{"connect ok", "POST", "/rampart.partner.v1.PartnerService/GetKycStatus", `{"partnerUserId":"vip"}`, tok, "", "application/json", 200},
	}
	inbound := append(append([]string{""}, sane...), insane...)
	// One loopback address per inbound id, so the failed-authentication limit per address
	// does not turn the 401 probes into 429s.
	var from []*http.Client
	for i := range inbound {
		from = append(from, loopbackClient(t, fmt.Sprintf("127.0.1.%d", i+1), false))
	}
	for _, pr := range probes {
		for i, in := range inbound {
			req, err := http.NewRequest(pr.method, srv.URL+pr.path, strings.NewReader(pr.body))
			if err != nil {
				t.Fatal(err)
			}
			if in != "" {
				req.Header["X-Request-Id"] = []string{in}
			}
			for k, v := range map[string]string{"Authorization": pr.auth, "Origin": pr.origin, "Content-Type": pr.ctype} {
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			res, err := from[i].Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got := res.Header.Get("X-Request-Id")
			if res.StatusCode != pr.want {
				t.Errorf("%s (X-Request-Id %q): HTTP %d, want %d: %s", pr.name, in, res.StatusCode, pr.want, body)
			}
			switch {
			case slices.Contains(sane, in) && got != in:
				t.Errorf("%s: sane X-Request-Id %q answered with %q", pr.name, in, got)
			case !slices.Contains(sane, in) && (got == in || !generatedID(got)):
				t.Errorf("%s: X-Request-Id %q answered with %q, want a fresh req_ id", pr.name, in, got)
			}
			if res.StatusCode != 200 {
				if rid := errorBodyRequestID(t, res.Header.Get("Content-Type"), body); rid != got {
					t.Errorf("%s (X-Request-Id %q): error body request_id %q, header %q: %s", pr.name, in, rid, got, body)
				}
			}
			if !logLineWithID(srv, got) {
				t.Errorf("%s: no access log line carries request_id %q", pr.name, got)
			}
		}
	}

	// Connect and gRPC clients: the id comes back in the header and in the error detail.
	for _, in := range []string{"client-req.7", strings.Repeat("y", 65)} {
		cc := partnerv1connect.NewPartnerServiceClient(http.DefaultClient, srv.URL)
		req := connect.NewRequest(&partnerv1.GetKycStatusRequest{PartnerUserId: "vip"})
		req.Header().Set("X-Request-Id", in)
		_, err := cc.GetKycStatus(context.Background(), req)
		var ce *connect.Error
		if !errors.As(err, &ce) {
			t.Fatalf("Connect without a token: %v", err)
		}
		_, detail, _ := apierr.FromConnect(ce)
		if h := ce.Meta().Get("X-Request-Id"); detail.GetRequestId() != h || (in == "client-req.7") != (h == in) {
			t.Errorf("Connect error: detail request_id %q, header %q, sent %q", detail.GetRequestId(), h, in)
		}

		conn, err := grpc.NewClient(srv.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		gc := partnerv1.NewPartnerServiceClient(conn)
		for _, auth := range []string{"", tok} {
			md := metadata.Pairs("x-request-id", in)
			if auth != "" {
				md.Set("authorization", auth)
			}
			var hdr, trl metadata.MD
			_, err := gc.GetKycStatus(metadata.NewOutgoingContext(context.Background(), md), &partnerv1.GetKycStatusRequest{PartnerUserId: "vip"},
				grpc.Header(&hdr), grpc.Trailer(&trl))
			h := first(hdr.Get("x-request-id"), trl.Get("x-request-id"))
			if (in == "client-req.7") != (h == in) || !(h == in || generatedID(h)) {
				t.Errorf("gRPC (auth %v): x-request-id %q, sent %q", auth != "", h, in)
			}
			if auth == "" {
				st, _ := status.FromError(err)
				var rid string
				for _, d := range st.Details() {
					if e, ok := d.(*kycv1.ErrorDetail); ok {
						rid = e.GetRequestId()
					}
				}
				if st.Code() != codes.Unauthenticated || rid != h {
					t.Errorf("gRPC error: %v, detail request_id %q, header %q", st.Code(), rid, h)
				}
			}
		}
	}
}

// TestConnectEdges: Connect GET with query encoding (and its auth checks), unknown
// procedures, and gRPC-Web, all on the one listener.
func TestConnectEdges(t *testing.T) {
	ctx := context.Background()
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	a := srv.NewPartner(t, "Acme", "https://acme.example")
	b := srv.NewPartner(t, "Other")
	srv.ForceStatus(t, a.PartnerID, "user-123", kyc.Verified, time.Time{})
	srv.ForceStatus(t, b.PartnerID, "b-user", kyc.Verified, time.Time{})

	// Connect GET, binary and JSON: the request really is a GET with the message in the
	// query, and it passes through the same authentication and origin checks as a POST.
	for _, codec := range []struct {
		name     string
		opts     []connect.ClientOption
		encoding string
	}{{"proto", nil, "proto"}, {"json", []connect.ClientOption{connect.WithProtoJSON()}, "json"}} {
		rec := &recorder{}
		c := &connectClient{label: "connect-get-" + codec.name, c: partnerv1connect.NewPartnerServiceClient(&http.Client{Transport: rec}, srv.URL,
			append(codec.opts, connect.WithHTTPGet())...)}
		r := c.status(t, call{token: a.ClientToken}, "user-123")
		if r.code != "" || r.status.GetStatus() != kyc.Verified.Proto() || r.status.GetVerifiedAt() == nil {
			t.Errorf("%s: %v %q", c.name(), r.status, r.code)
		}
		for _, req := range rec.all() {
			q := req.URL.Query()
			if req.Method != http.MethodGet || req.ContentLength > 0 || q.Get("encoding") != codec.encoding || q.Get("message") == "" || q.Get("connect") != "v1" {
				t.Errorf("%s was sent as %s %s", c.name(), req.Method, req.URL.RequestURI())
			}
		}
		for _, tc := range []struct {
			name string
			call call
			user string
			want apierr.Code
		}{
			{"no token", call{}, "user-123", apierr.Unauthorized},
			{"unknown token", call{token: "rp_test_" + strings.Repeat("G", 43)}, "user-123", apierr.Unauthorized},
			{"widget-shaped token", call{token: "rpw_" + strings.Repeat("G", 43)}, "user-123", apierr.Unauthorized},
			{"foreign origin", call{token: a.ClientToken, origin: "https://evil.example"}, "user-123", apierr.ForbiddenOrigin},
			{"registered origin", call{token: a.ClientToken, origin: "https://acme.example"}, "user-123", ""},
			{"another partner's user", call{token: a.ClientToken}, "b-user", ""},
			{"empty user", call{token: a.ClientToken}, "", apierr.InvalidRequest},
		} {
			r := c.status(t, tc.call, tc.user)
			if r.code != tc.want {
				t.Errorf("%s %s: %q, want %q", c.name(), tc.name, r.code, tc.want)
			}
			if tc.user == "b-user" && r.status.GetStatus() != kyc.NotStarted.Proto() {
				t.Errorf("%s: A sees B's user as %v", c.name(), r.status)
			}
		}
	}
	// By hand, the way curl or a browser fetch would call it.
	get := func(procedure, message, token string) (*http.Response, []byte) {
		u := srv.URL + "/rampart.partner.v1.PartnerService/" + procedure + "?connect=v1&encoding=json&message=" + url.QueryEscape(message)
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	res, body := get("GetKycStatus", `{"partnerUserId":"user-123"}`, a.ClientToken)
	var got partnerv1.GetKycStatusResponse
	if res.StatusCode != 200 || protojson.Unmarshal(body, &got) != nil || got.GetStatus() != kyc.Verified.Proto() {
		t.Errorf("hand-made Connect GET: %d %s", res.StatusCode, body)
	}
	if res, body := get("GetKycStatus", `{"partnerUserId":"user-123"}`, ""); res.StatusCode != 401 || !strings.Contains(string(body), `"code":"unauthenticated"`) {
		t.Errorf("hand-made Connect GET without a token: %d %s", res.StatusCode, body)
	}
	// CreateSession has side effects: no GET.
	sessions := count(t, srv, `SELECT COUNT(*) FROM sessions`)
	if res, body := get("CreateSession", `{"partnerUserId":"user-123","userEmail":"a@b.co","currency":"BTC","fiatCurrency":"EUR","fiatAmount":"5"}`, a.ClientToken); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("Connect GET of CreateSession: %d %s", res.StatusCode, body)
	}
	if count(t, srv, `SELECT COUNT(*) FROM sessions`) != sessions {
		t.Errorf("a GET created a session")
	}

	// Unknown procedures, of a known service and of no service: 404 with the not_found
	// body (and its request id); Connect clients read it as Unimplemented (not_found).
	for _, path := range []string{"/rampart.partner.v1.PartnerService/DeleteEverything", "/rampart.review.v1.ReviewService/Nope", "/rampart.nope.v1.Nope/Do", "/grpc.nope.v1.X/Y"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.ClientToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var v map[string]string
		if res.StatusCode != 404 || json.Unmarshal(body, &v) != nil || v["error"] != "not_found" || v["message"] == "" ||
			v["request_id"] != res.Header.Get("X-Request-Id") {
			t.Errorf("POST %s: %d %q %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		_, err = connect.NewClient[emptypb.Empty, emptypb.Empty](http.DefaultClient, srv.URL+path).CallUnary(ctx, connect.NewRequest(&emptypb.Empty{}))
		if connect.CodeOf(err) != connect.CodeUnimplemented || apierr.CodeFromConnect(connect.CodeOf(err)) != apierr.NotFound {
			t.Errorf("Connect client calling %s: %v", path, err)
		}
	}

	// gRPC-Web on the same port: a framed binary request, a framed answer and trailers.
	msg, _ := proto.Marshal(&partnerv1.GetKycStatusRequest{PartnerUserId: "user-123"})
	for _, tc := range []struct {
		name, token string
		status      string
	}{{"ok", a.ClientToken, "0"}, {"no token", "", "16"}, {"another partner's user", b.ClientToken, "0"}} {
		hdr, frames := grpcWeb(t, srv.URL+"/rampart.partner.v1.PartnerService/GetKycStatus", tc.token, msg)
		trailers := http.Header{}
		var data []byte
		for _, f := range frames {
			if f.flag&0x80 != 0 {
				for _, line := range strings.Split(strings.TrimSpace(string(f.data)), "\r\n") {
					if k, v, ok := strings.Cut(line, ":"); ok {
						trailers.Add(strings.TrimSpace(k), strings.TrimSpace(v))
					}
				}
			} else {
				data = f.data
			}
		}
		st := first(trailers.Values("Grpc-Status"), hdr.Values("Grpc-Status"))
		if st != tc.status {
			t.Errorf("gRPC-Web %s: grpc-status %q (trailers %v, headers %v)", tc.name, st, trailers, hdr)
			continue
		}
		if tc.status != "0" {
			continue
		}
		var out partnerv1.GetKycStatusResponse
		if err := proto.Unmarshal(data, &out); err != nil {
			t.Fatalf("gRPC-Web %s: message frame: %v", tc.name, err)
		}
		want := kyc.Verified.Proto()
		if tc.token == b.ClientToken {
			want = kyc.NotStarted.Proto()
		}
		if out.GetPartnerUserId() != "user-123" || out.GetStatus() != want {
			t.Errorf("gRPC-Web %s: %v", tc.name, &out)
		}
	}
}

// TestGRPCHealthAndReflection: standard gRPC tooling (grpc-go's health and reflection
// clients, as grpcurl and Kubernetes probes use) works against the one port.
func TestGRPCHealthAndReflection(t *testing.T) {
	ctx := context.Background()
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	conn, err := grpc.NewClient(srv.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	services := []string{"rampart.partner.v1.PartnerService", "rampart.widget.v1.WidgetService", "rampart.review.v1.ReviewService"}

	health := healthpb.NewHealthClient(conn)
	for _, svc := range append([]string{""}, services...) {
		res, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health %q: %v %v", svc, res, err)
		}
	}
	if _, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: "rampart.nope.v1.Nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("health of an unknown service: %v", err)
	}

	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(req *reflectionpb.ServerReflectionRequest) *reflectionpb.ServerReflectionResponse {
		if err := stream.Send(req); err != nil {
			t.Fatal(err)
		}
		res, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	var listed []string
	for _, s := range ask(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}).GetListServicesResponse().GetService() {
		listed = append(listed, s.GetName())
	}
	// The public port describes the partner and widget APIs only; the operators'
	// listener (Ops, --metrics-listen) describes the review service too.
	for _, s := range services {
		if public := s != "rampart.review.v1.ReviewService"; slices.Contains(listed, s) != public {
			t.Errorf("public reflection lists %v; %s listed: %v, want %v", listed, s, !public, public)
		}
	}
	if ops := reflectedServices(t, opsConn(t, srv)); !slices.Contains(ops, "rampart.review.v1.ReviewService") {
		t.Errorf("ops reflection lists %v, missing the review service", ops)
	}
	// The descriptors resolve: the file defining PartnerService names its methods.
	files := ask(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{
		FileContainingSymbol: "rampart.partner.v1.PartnerService"}}).GetFileDescriptorResponse().GetFileDescriptorProto()
	var methods []string
	for _, raw := range files {
		var fd descriptorpb.FileDescriptorProto
		if err := proto.Unmarshal(raw, &fd); err != nil {
			t.Fatal(err)
		}
		for _, s := range fd.GetService() {
			if fd.GetPackage()+"."+s.GetName() == "rampart.partner.v1.PartnerService" {
				for _, m := range s.GetMethod() {
					methods = append(methods, m.GetName())
				}
			}
		}
	}
	if !slices.Contains(methods, "GetKycStatus") || !slices.Contains(methods, "CreateSession") {
		t.Errorf("reflected PartnerService methods: %v", methods)
	}
	_ = stream.CloseSend()

	// Older tools (grpcurl before 1.9) ask v1alpha.
	alpha, err := reflectionalphapb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the deprecated v1alpha service is what this test checks is still served
	if err := alpha.Send(&reflectionalphapb.ServerReflectionRequest{MessageRequest: &reflectionalphapb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	res, err := alpha.Recv()
	//lint:ignore SA1019 the deprecated v1alpha service is what this test checks is still served
	if err != nil || len(res.GetListServicesResponse().GetService()) != len(services)-1 {
		t.Errorf("v1alpha reflection: %v %v", res, err)
	}
	_ = alpha.CloseSend()
}

// --- helpers ---

// opsConn serves the server's Ops handler on a loopback port and dials it with gRPC.
func opsConn(t *testing.T, srv *testserver.Server) *grpc.ClientConn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = app.ServeHandler(ctx, ln, srv.App.Ops, "", "", slog.Default()) }()
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); cancel(); <-done })
	return conn
}

// reflectedServices lists the services gRPC reflection (v1) names on conn.
func reflectedServices(t *testing.T, conn *grpc.ClientConn) []string {
	t.Helper()
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stream.CloseSend()
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	res, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range res.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	return names
}
