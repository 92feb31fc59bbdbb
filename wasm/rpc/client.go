package rpc

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/jsonval"
)

// Transport sends one HTTP POST. Stream reports the response body as it arrives.
type Transport interface {
	Post(ctx context.Context, url string, header map[string]string, body []byte) (Reply, []byte, error)
	Stream(ctx context.Context, url string, header map[string]string, body []byte) (Reply, io.ReadCloser, error)
}

// Reply is what a call needs of the response besides its body.
type Reply struct {
	Status    int
	RequestID string // the X-Request-Id response header
}

// RequestIDHeader names the header that carries the server's id of a request.
const RequestIDHeader = "X-Request-Id"

// maxRequestID bounds the id kept from a response header: it is shown on screen.
const maxRequestID = 64

type client struct {
	base  string
	t     Transport
	token string
}

// New returns the API at baseURL (the server's origin) over t.
func New(baseURL string, t Transport) API {
	return &client{base: strings.TrimRight(baseURL, "/"), t: t}
}

func (c *client) SetToken(token string) { c.token = token }

// procedure derives "/rampart.widget.v1.WidgetService/Method" from the generated
// descriptor, so no route is written by hand.
func procedure(method string) string {
	sd := widgetv1.File_rampart_widget_v1_widget_proto.Services().ByName("WidgetService")
	return "/" + string(sd.FullName()) + "/" + string(sd.Methods().ByName(protoreflect.Name(method)).Name())
}

func (c *client) header(contentType string) map[string]string {
	h := map[string]string{"Content-Type": contentType, "Connect-Protocol-Version": "1"}
	if c.token != "" {
		h["Authorization"] = "Bearer " + c.token
	}
	return h
}

func unary[Res proto.Message](ctx context.Context, c *client, method string, req proto.Message, res Res) (Res, error) {
	body, err := proto.Marshal(req)
	if err != nil {
		return res, err
	}
	rep, out, err := c.t.Post(ctx, c.base+procedure(method), c.header("application/proto"), body)
	if err != nil {
		return res, &Error{Code: "unavailable", Message: err.Error()}
	}
	if rep.Status != 200 {
		return res, parseError(out, rep)
	}
	if err := proto.Unmarshal(out, res); err != nil {
		return res, &Error{Code: "internal", Message: "bad response: " + err.Error(), RequestID: rep.id()}
	}
	return res, nil
}

func (c *client) StartSession(ctx context.Context, req *widgetv1.StartSessionRequest) (*widgetv1.StartSessionResponse, error) {
	return unary(ctx, c, "StartSession", req, &widgetv1.StartSessionResponse{})
}

func (c *client) GetStatus(ctx context.Context, req *widgetv1.GetStatusRequest) (*widgetv1.GetStatusResponse, error) {
	return unary(ctx, c, "GetStatus", req, &widgetv1.GetStatusResponse{})
}

func (c *client) UploadDocument(ctx context.Context, req *widgetv1.UploadDocumentRequest) (*widgetv1.UploadDocumentResponse, error) {
	return unary(ctx, c, "UploadDocument", req, &widgetv1.UploadDocumentResponse{})
}

func (c *client) RecordConsent(ctx context.Context, req *widgetv1.RecordConsentRequest) (*widgetv1.RecordConsentResponse, error) {
	return unary(ctx, c, "RecordConsent", req, &widgetv1.RecordConsentResponse{})
}

func (c *client) StartLiveness(ctx context.Context, req *widgetv1.StartLivenessRequest) (*widgetv1.StartLivenessResponse, error) {
	return unary(ctx, c, "StartLiveness", req, &widgetv1.StartLivenessResponse{})
}

func (c *client) SubmitLiveness(ctx context.Context, req *widgetv1.SubmitLivenessRequest) (*widgetv1.SubmitLivenessResponse, error) {
	return unary(ctx, c, "SubmitLiveness", req, &widgetv1.SubmitLivenessResponse{})
}

func (c *client) SubmitCase(ctx context.Context, req *widgetv1.SubmitCaseRequest) (*widgetv1.SubmitCaseResponse, error) {
	return unary(ctx, c, "SubmitCase", req, &widgetv1.SubmitCaseResponse{})
}

func (c *client) CreateHandoff(ctx context.Context, req *widgetv1.CreateHandoffRequest) (*widgetv1.CreateHandoffResponse, error) {
	return unary(ctx, c, "CreateHandoff", req, &widgetv1.CreateHandoffResponse{})
}

func (c *client) RedeemHandoff(ctx context.Context, req *widgetv1.RedeemHandoffRequest) (*widgetv1.RedeemHandoffResponse, error) {
	return unary(ctx, c, "RedeemHandoff", req, &widgetv1.RedeemHandoffResponse{})
}

// WatchStatus reads a Connect server stream: 5-byte envelopes (flags, length) of
// WatchStatusResponse, ended by a JSON end-of-stream envelope (flag 0x02).
func (c *client) WatchStatus(ctx context.Context, fn func(*widgetv1.KycState)) error {
	body, err := proto.Marshal(&widgetv1.WatchStatusRequest{})
	if err != nil {
		return err
	}
	env := make([]byte, 5+len(body))
	binary.BigEndian.PutUint32(env[1:5], uint32(len(body)))
	copy(env[5:], body)
	rep, rc, err := c.t.Stream(ctx, c.base+procedure("WatchStatus"), c.header("application/connect+proto"), env)
	if err != nil {
		return &Error{Code: "unavailable", Message: err.Error()}
	}
	defer rc.Close()
	if rep.Status != 200 {
		b, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
		return parseError(b, rep)
	}
	var hdr [5]byte
	for {
		if _, err := io.ReadFull(rc, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return ctx.Err()
			}
			return &Error{Code: "unavailable", Message: err.Error()}
		}
		n := binary.BigEndian.Uint32(hdr[1:])
		if n > 1<<20 {
			return &Error{Code: "internal", Message: "stream message too large"}
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(rc, msg); err != nil {
			return &Error{Code: "unavailable", Message: err.Error()}
		}
		if hdr[0]&0x02 != 0 { // end of stream
			if v, err := jsonval.Parse(msg); err == nil {
				if end, ok := v.(map[string]any); ok {
					if e, ok := end["error"].(map[string]any); ok {
						err := wireErrorOf(e).toError()
						err.RequestID = rep.id()
						return err
					}
				}
			}
			return nil
		}
		res := &widgetv1.WatchStatusResponse{}
		if err := proto.Unmarshal(msg, res); err != nil {
			return &Error{Code: "internal", Message: err.Error()}
		}
		fn(res.GetState())
	}
}

// wireError is the Connect protocol's JSON error.
type wireError struct {
	Code    string
	Message string
	Details []struct{ Type, Value string }
}

// wireErrorOf reads a Connect error object: code, message and details (type, value).
func wireErrorOf(m map[string]any) *wireError {
	w := &wireError{}
	w.Code, _ = m["code"].(string)
	w.Message, _ = m["message"].(string)
	details, _ := m["details"].([]any)
	for _, dv := range details {
		if d, ok := dv.(map[string]any); ok {
			typ, _ := d["type"].(string)
			val, _ := d["value"].(string)
			w.Details = append(w.Details, struct{ Type, Value string }{typ, val})
		}
	}
	return w
}

func (w *wireError) toError() *Error {
	e := &Error{Code: w.Code, Message: w.Message}
	for _, d := range w.Details {
		if d.Type != "rampart.kyc.v1.ErrorDetail" {
			continue
		}
		b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(d.Value, "="))
		if err != nil {
			continue
		}
		var detail kycv1.ErrorDetail
		if proto.Unmarshal(b, &detail) == nil {
			e.Slug = detail.GetError()
		}
	}
	return e
}

func parseError(body []byte, rep Reply) *Error {
	v, err := jsonval.Parse(body)
	m, ok := v.(map[string]any)
	var w *wireError
	if err == nil && ok {
		w = wireErrorOf(m)
	}
	if w == nil || w.Code == "" {
		// Something between us and the server answered (a proxy, a captive portal): its
		// request id, if any, is not the server's but still helps support.
		return &Error{Code: "unavailable", Message: "unexpected HTTP status " + itoa(rep.Status), RequestID: rep.id()}
	}
	e := w.toError()
	e.RequestID = rep.id()
	return e
}

// id is the response's request id, or "" when it is missing or not a plain token: it is
// shown to the user, so nothing odd from a header reaches the screen.
func (r Reply) id() string {
	id := r.RequestID
	if len(id) == 0 || len(id) > maxRequestID {
		return ""
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return ""
		}
	}
	return id
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
