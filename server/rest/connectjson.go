package rest

import (
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// ConnectJSON replaces connect-go's JSON codec so that a Connect JSON body it cannot read
// is explained like a REST one (see BodyError) instead of with protojson's parser text.
// Unknown fields are still ignored there, as connect-go does: a Connect client may be
// built from a newer schema than the server's.
func ConnectJSON() connect.HandlerOption {
	return connect.WithHandlerOptions(connect.WithCodec(jsonCodec{"json"}), connect.WithCodec(jsonCodec{"json; charset=utf-8"}))
}

type jsonCodec struct{ name string }

var _ connect.Codec = jsonCodec{}

func (c jsonCodec) Name() string { return c.name }

func (c jsonCodec) IsBinary() bool { return false }

func (c jsonCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("%T is not a proto.Message", v)
	}
	return protojson.Marshal(m)
}

// MarshalStable is for Connect GET requests (cacheable, so the bytes must not vary).
func (c jsonCodec) MarshalStable(v any) ([]byte, error) { return compact(c.Marshal(v)) }

func (c jsonCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("%T is not a proto.Message", v)
	}
	if len(data) == 0 {
		return &BodyError{Reason: "request body is empty; send a JSON object"}
	}
	return UnmarshalJSON(data, m, true)
}
