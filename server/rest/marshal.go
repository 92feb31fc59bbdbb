package rest

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
)

// marshaler writes the documented JSON views and reads request bodies strictly with
// protojson (unknown fields are an error, proto field names accepted); a body it refuses
// is explained by UnmarshalJSON.
type marshaler struct{}

var _ runtime.Marshaler = marshaler{}

func (marshaler) ContentType(any) string { return "application/json" }

func (marshaler) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case *partnerv1.GetKycStatusResponse:
		return json.Marshal(newStatusView(m))
	case *partnerv1.CreateSessionResponse:
		return json.Marshal(newSessionView(m))
	case *partnerv1.GetIdentityResponse:
		return json.Marshal(newIdentityView(m))
	case *partnerv1.RedactUserResponse:
		return json.Marshal(redactedView{PartnerUserID: m.GetPartnerUserId(), RedactedAt: rfc3339(m.GetRedactedAt())})
	case proto.Message:
		return compact(protojson.MarshalOptions{UseProtoNames: true}.Marshal(m))
	}
	return json.Marshal(v)
}

// compact removes the whitespace protojson varies on purpose, for stable output.
func compact(b []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (marshaler) Unmarshal(data []byte, v any) error {
	if m, ok := v.(proto.Message); ok {
		return UnmarshalJSON(data, m, false)
	}
	return json.Unmarshal(data, v)
}

func (m marshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return io.EOF
		}
		return m.Unmarshal(data, v)
	})
}

func (m marshaler) NewEncoder(w io.Writer) runtime.Encoder {
	return runtime.EncoderFunc(func(v any) error {
		b, err := m.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}
