package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
)

// result is one protocol's answer, reduced to what every protocol must agree on.
type result struct {
	code    apierr.Code // "" on success
	status  *partnerv1.GetKycStatusResponse
	session *partnerv1.CreateSessionResponse
	kycReq  *kycv1.KycRequired
	ident   *partnerv1.GetIdentityResponse
	info    *errdetails.ErrorInfo
	raw     []byte // REST body
	header  http.Header
}

type call struct {
	token, origin, idemKey string
}

// client is one way of calling the partner API.
type client interface {
	name() string
	status(t *testing.T, c call, userID string) result
	session(t *testing.T, c call, req *partnerv1.CreateSessionRequest) result
	identity(t *testing.T, c call, userID string) result
}

// --- Connect (binary protobuf, POST; or JSON with GET for the side-effect-free RPC) ---

type connectClient struct {
	label string
	c     partnerv1connect.PartnerServiceClient
}

func newConnectClient(base string, label string, opts ...connect.ClientOption) *connectClient {
	return &connectClient{label: label, c: partnerv1connect.NewPartnerServiceClient(http.DefaultClient, base, opts...)}
}

func (c *connectClient) name() string { return c.label }

func setHeaders(h http.Header, cl call) {
	if cl.token != "" {
		h.Set("Authorization", "Bearer "+cl.token)
	}
	if cl.origin != "" {
		h.Set("Origin", cl.origin)
	}
	if cl.idemKey != "" {
		h.Set("Idempotency-Key", cl.idemKey)
	}
}

func (c *connectClient) status(t *testing.T, cl call, userID string) result {
	req := connect.NewRequest(&partnerv1.GetKycStatusRequest{PartnerUserId: userID})
	setHeaders(req.Header(), cl)
	res, err := c.c.GetKycStatus(context.Background(), req)
	if err != nil {
		return connectErr(t, err)
	}
	return result{status: res.Msg, header: res.Header()}
}

func (c *connectClient) session(t *testing.T, cl call, in *partnerv1.CreateSessionRequest) result {
	req := connect.NewRequest(in)
	setHeaders(req.Header(), cl)
	res, err := c.c.CreateSession(context.Background(), req)
	if err != nil {
		return connectErr(t, err)
	}
	return result{session: res.Msg, header: res.Header()}
}

func (c *connectClient) identity(t *testing.T, cl call, userID string) result {
	req := connect.NewRequest(&partnerv1.GetIdentityRequest{PartnerUserId: userID})
	setHeaders(req.Header(), cl)
	res, err := c.c.GetIdentity(context.Background(), req)
	if err != nil {
		return connectErr(t, err)
	}
	return result{ident: res.Msg, header: res.Header()}
}

func connectErr(t *testing.T, err error) result {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a connect error: %v", err)
	}
	r := result{code: apierr.CodeFromConnect(ce.Code()), header: ce.Meta()}
	for _, d := range ce.Details() {
		v, err := d.Value()
		if err != nil {
			t.Fatalf("detail: %v", err)
		}
		switch m := v.(type) {
		case *kycv1.ErrorDetail:
			if apierr.Code(m.GetError()).ConnectCode() != ce.Code() {
				t.Errorf("detail slug %s does not match code %s", m.GetError(), ce.Code())
			}
			r.code = apierr.Code(m.GetError())
		case *kycv1.KycRequired:
			r.kycReq = m
		case *errdetails.ErrorInfo:
			r.info = m
		}
	}
	return r
}

// --- gRPC (grpc-go client over h2c) ---

type grpcClient struct {
	c partnerv1.PartnerServiceClient
}

func newGRPCClient(t *testing.T, addr string) *grpcClient {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &grpcClient{c: partnerv1.NewPartnerServiceClient(conn)}
}

func (g *grpcClient) name() string { return "grpc" }

func grpcCtx(cl call) context.Context {
	md := metadata.MD{}
	if cl.token != "" {
		md.Set("authorization", "Bearer "+cl.token)
	}
	if cl.origin != "" {
		md.Set("origin", cl.origin)
	}
	if cl.idemKey != "" {
		md.Set("idempotency-key", cl.idemKey)
	}
	return metadata.NewOutgoingContext(context.Background(), md)
}

func (g *grpcClient) status(t *testing.T, cl call, userID string) result {
	var hdr metadata.MD
	res, err := g.c.GetKycStatus(grpcCtx(cl), &partnerv1.GetKycStatusRequest{PartnerUserId: userID}, grpc.Header(&hdr))
	if err != nil {
		return grpcErr(t, err)
	}
	return result{status: res, header: mdHeader(hdr)}
}

func (g *grpcClient) session(t *testing.T, cl call, in *partnerv1.CreateSessionRequest) result {
	res, err := g.c.CreateSession(grpcCtx(cl), in)
	if err != nil {
		return grpcErr(t, err)
	}
	return result{session: res}
}

func (g *grpcClient) identity(t *testing.T, cl call, userID string) result {
	res, err := g.c.GetIdentity(grpcCtx(cl), &partnerv1.GetIdentityRequest{PartnerUserId: userID})
	if err != nil {
		return grpcErr(t, err)
	}
	return result{ident: res}
}

func grpcErr(t *testing.T, err error) result {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("not a grpc status: %v", err)
	}
	r := result{code: apierr.CodeFromConnect(connect.Code(st.Code()))}
	for _, d := range st.Details() {
		switch m := d.(type) {
		case *kycv1.ErrorDetail:
			r.code = apierr.Code(m.GetError())
		case *kycv1.KycRequired:
			r.kycReq = m
		case *errdetails.ErrorInfo:
			r.info = m
		}
	}
	return r
}

func mdHeader(md metadata.MD) http.Header {
	h := http.Header{}
	for k, v := range md {
		for _, s := range v {
			h.Add(k, s)
		}
	}
	return h
}

// --- REST (plain HTTP + JSON through grpc-gateway) ---

type restClient struct{ base string }

func (r *restClient) name() string { return "rest" }

func (r *restClient) do(t *testing.T, method, path string, cl call, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, r.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	setHeaders(req.Header, cl)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id header", method, path)
	}
	return res, b
}

func (r *restClient) status(t *testing.T, cl call, userID string) result {
	res, b := r.do(t, http.MethodGet, "/widget/users/"+userID+"/kyc-status", cl, nil)
	if res.StatusCode != http.StatusOK {
		return restErr(t, res, b)
	}
	var v struct {
		PartnerUserID     string   `json:"partner_user_id"`
		Status            string   `json:"status"`
		VerifiedAt        string   `json:"verified_at"`
		AttemptsRemaining *int32   `json:"attempts_remaining"`
		FailureReasons    []string `json:"failure_reasons"`
	}
	mustJSON(t, b, &v)
	out := &partnerv1.GetKycStatusResponse{PartnerUserId: v.PartnerUserID, Status: kyc.Status(v.Status).Proto(),
		AttemptsRemaining: v.AttemptsRemaining, FailureReasons: v.FailureReasons}
	if v.VerifiedAt != "" {
		out.VerifiedAt = timestamppb.New(mustTime(t, v.VerifiedAt))
	}
	return result{status: out, raw: b, header: res.Header}
}

func (r *restClient) session(t *testing.T, cl call, in *partnerv1.CreateSessionRequest) result {
	body, _ := json.Marshal(map[string]string{
		"partner_user_id": in.GetPartnerUserId(), "user_email": in.GetUserEmail(), "type": in.GetType(),
		"currency": in.GetCurrency(), "network": in.GetNetwork(), "fiat_currency": in.GetFiatCurrency(),
		"fiat_amount": in.GetFiatAmount(), "amount": in.GetAmount(), "wallet_address": in.GetWalletAddress(),
		"client_ip": in.GetClientIp(), "redirect_url": in.GetRedirectUrl(),
	})
	return r.sessionRaw(t, cl, body)
}

func (r *restClient) sessionRaw(t *testing.T, cl call, body []byte) result {
	res, b := r.do(t, http.MethodPost, "/widget/session", cl, body)
	if res.StatusCode != http.StatusOK {
		return restErr(t, res, b)
	}
	var v map[string]string
	mustJSON(t, b, &v)
	return result{raw: b, header: res.Header, session: &partnerv1.CreateSessionResponse{
		MerchantTransactionId: v["merchant_transaction_id"], WidgetId: v["widget_id"], InitToken: v["init_token"],
		InitTokenType: v["init_token_type"], PartnerUserId: v["partner_user_id"], WidgetUrl: v["widget_url"],
		ExpiresAt: timestamppb.New(mustTime(t, v["expires_at"])),
		Order: &kycv1.Order{Type: v["type"], Currency: v["currency"], Network: v["network"], FiatCurrency: v["fiat_currency"],
			FiatAmount: v["fiat_amount"], Amount: v["amount"], WalletAddress: v["wallet_address"], RedirectUrl: v["redirect_url"]},
	}}
}

func (r *restClient) identity(t *testing.T, cl call, userID string) result {
	res, b := r.do(t, http.MethodGet, "/widget/users/"+userID+"/identity", cl, nil)
	if res.StatusCode != http.StatusOK {
		return restErr(t, res, b)
	}
	var v map[string]string
	mustJSON(t, b, &v)
	if _, ok := v["document_number"]; ok {
		t.Errorf("REST identity carries the whole document number: %s", b)
	}
	out := &partnerv1.GetIdentityResponse{PartnerUserId: v["partner_user_id"], Identity: &kycv1.Identity{
		Surname: v["surname"], GivenNames: v["given_names"], DateOfBirth: v["date_of_birth"], Sex: v["sex"],
		Nationality: v["nationality"], DocumentType: v["document_type"], IssuingCountry: v["issuing_country"],
		IssuingRegion: v["issuing_region"], ExpiryDate: v["expiry_date"], DocumentNumberLast4: v["document_number_last4"],
		Source: v["source"]}}
	if v["verified_at"] != "" {
		out.VerifiedAt = timestamppb.New(mustTime(t, v["verified_at"]))
	}
	return result{ident: out, raw: b, header: res.Header}
}

func restErr(t *testing.T, res *http.Response, b []byte) result {
	t.Helper()
	var v map[string]string
	mustJSON(t, b, &v)
	code := apierr.Code(v["error"])
	if code.HTTPStatus() != res.StatusCode {
		t.Errorf("REST %d carries slug %q (whose status is %d)", res.StatusCode, code, code.HTTPStatus())
	}
	if v["message"] == "" || v["request_id"] != res.Header.Get("X-Request-Id") {
		t.Errorf("REST error body lacks message or matching request_id: %s", b)
	}
	r := result{code: code, raw: b, header: res.Header}
	if code == apierr.KycRequired {
		r.kycReq = &kycv1.KycRequired{PartnerUserId: v["partner_user_id"], InitToken: v["init_token"], InitTokenType: v["init_token_type"],
			WidgetId: v["widget_id"], WidgetUrl: v["widget_url"], ExpiresAt: timestamppb.New(mustTime(t, v["expires_at"]))}
	}
	return r
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return ts
}
