package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
)

// WriteError writes a domain error as the REST error body with its status.
func WriteError(w http.ResponseWriter, r *http.Request, e *apierr.Error) {
	writeError(w, e.Code, e.Message, reqctx.RequestID(r.Context()), int32(e.RetryAfter.Seconds()+0.999), nil)
}

func writeError(w http.ResponseWriter, code apierr.Code, msg, rid string, retryAfter int32, kycReq *kycv1.KycRequired) {
	var body any = errorView{Error: string(code), Message: msg, RequestID: rid}
	if code == apierr.KycRequired && kycReq != nil {
		body = newKycRequiredView(msg, rid, kycReq)
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if code == apierr.RateLimitExceeded || retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(max(1, retryAfter))))
	}
	w.WriteHeader(code.HTTPStatus())
	_, _ = w.Write(append(b, '\n'))
}

// errorHandler renders errors from the intercepted handler (the error interceptor gave
// them Rampart's details) and errors raised by the gateway itself (bad JSON, bad path
// parameters).
func errorHandler(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	rid := reqctx.RequestID(r.Context())
	var ce *connect.Error
	if errors.As(err, &ce) {
		code, detail, extra := apierr.FromConnect(ce)
		var retry int32
		if detail != nil {
			retry = detail.GetRetryAfterSeconds()
			if detail.GetRequestId() != "" {
				rid = detail.GetRequestId()
			}
		}
		var kycReq *kycv1.KycRequired
		for _, x := range extra {
			if k, ok := x.(*kycv1.KycRequired); ok {
				kycReq = k
			}
		}
		writeError(w, code, ce.Message(), rid, retry, kycReq)
		return
	}
	st, _ := status.FromError(err)
	switch st.Code() {
	case codes.InvalidArgument:
		// The body decoder's errors (BodyError) are written for partners; parser text
		// reaching here any other way is not sent.
		msg := st.Message()
		if strings.Contains(msg, "proto:") || msg == "" {
			msg = "Malformed request"
		}
		writeError(w, apierr.InvalidRequest, msg, rid, 0, nil)
	case codes.NotFound, codes.Unimplemented:
		writeError(w, apierr.NotFound, "No such route", rid, 0, nil)
	default:
		writeError(w, apierr.Internal, "Internal error", rid, 0, nil)
	}
}
