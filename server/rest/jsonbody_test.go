package rest

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
)

// kitchenSink is a message with every kind of field the explanations model: scalars,
// bytes, an enum, a nested message, a list, a map, a oneof and a well-known type.
func kitchenSink(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	rep := descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	typ := func(k descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto_Type {
		return k.Enum()
	}
	field := func(name string, n int32, k descriptorpb.FieldDescriptorProto_Type, label *descriptorpb.FieldDescriptorProto_Label, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(n), Type: typ(k), Label: label}
		if typeName != "" {
			f.TypeName = proto.String(typeName)
		}
		return f
	}
	oneof := func(f *descriptorpb.FieldDescriptorProto) *descriptorpb.FieldDescriptorProto {
		f.OneofIndex = proto.Int32(0)
		return f
	}
	fd := &descriptorpb.FileDescriptorProto{
		Name: proto.String("sink.proto"), Package: proto.String("sink"), Syntax: proto.String("proto3"),
		Dependency: []string{"google/protobuf/timestamp.proto"},
		EnumType: []*descriptorpb.EnumDescriptorProto{{Name: proto.String("Color"), Value: []*descriptorpb.EnumValueDescriptorProto{
			{Name: proto.String("COLOR_UNSPECIFIED"), Number: proto.Int32(0)}, {Name: proto.String("COLOR_RED"), Number: proto.Int32(1)}}}},
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Inner"), Field: []*descriptorpb.FieldDescriptorProto{field("note", 1, descriptorpb.FieldDescriptorProto_TYPE_STRING, opt, "")}},
			{Name: proto.String("Sink"), Field: []*descriptorpb.FieldDescriptorProto{
				field("name_text", 1, descriptorpb.FieldDescriptorProto_TYPE_STRING, opt, ""),
				field("count", 2, descriptorpb.FieldDescriptorProto_TYPE_INT32, opt, ""),
				field("big", 3, descriptorpb.FieldDescriptorProto_TYPE_UINT64, opt, ""),
				field("ratio", 4, descriptorpb.FieldDescriptorProto_TYPE_DOUBLE, opt, ""),
				field("flag", 5, descriptorpb.FieldDescriptorProto_TYPE_BOOL, opt, ""),
				field("blob", 6, descriptorpb.FieldDescriptorProto_TYPE_BYTES, opt, ""),
				field("color", 7, descriptorpb.FieldDescriptorProto_TYPE_ENUM, opt, ".sink.Color"),
				field("inner", 8, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, opt, ".sink.Inner"),
				field("tags", 9, descriptorpb.FieldDescriptorProto_TYPE_STRING, rep, ""),
				field("inners", 10, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, rep, ".sink.Inner"),
				field("labels", 11, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, rep, ".sink.Sink.LabelsEntry"),
				oneof(field("by_email", 12, descriptorpb.FieldDescriptorProto_TYPE_STRING, opt, "")),
				oneof(field("by_phone", 13, descriptorpb.FieldDescriptorProto_TYPE_STRING, opt, "")),
				field("at", 14, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, opt, ".google.protobuf.Timestamp"),
			},
				OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: proto.String("contact")}},
				NestedType: []*descriptorpb.DescriptorProto{{Name: proto.String("LabelsEntry"), Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
					Field: []*descriptorpb.FieldDescriptorProto{field("key", 1, descriptorpb.FieldDescriptorProto_TYPE_STRING, opt, ""),
						field("value", 2, descriptorpb.FieldDescriptorProto_TYPE_INT32, opt, "")}}},
			},
		},
	}
	f, err := protodesc.NewFile(fd, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return f.Messages().ByName("Sink")
}

// TestUnmarshalJSONExplains: a body protojson accepts is accepted as is; one it refuses
// is a BodyError that names the field as the client spelled it (nested with dots), and
// no message carries protojson's text or positions.
func TestUnmarshalJSONExplains(t *testing.T) {
	md := kitchenSink(t)
	ok := []string{
		`{}`, ` {"nameText":"a","count":null} `, `{"by_email":null,"by_phone":"1"}`, `{"count":-5,"big":"18446744073709551615","ratio":"NaN","flag":false}`,
		`{"count":"7","ratio":1e300,"blob":"aGk=","color":"COLOR_RED"}`, `{"color":1,"count":1e2,"blob":"aGk"}`,
		`{"inner":{"note":"x"},"tags":["a","b"],"inners":[{"note":"y"}],"labels":{"k":3}}`,
		`{"by_email":"a@b.c","at":"2026-01-02T03:04:05Z"}`, `{"tags":null,"inner":null}`,
	}
	for _, body := range ok {
		m := dynamicpb.NewMessage(md)
		if err := UnmarshalJSON([]byte(body), m, false); err != nil {
			t.Errorf("%s: refused: %v", body, err)
		}
	}
	bad := []struct{ body, want string }{
		{`{"amout":"1"}`, `unknown field "amout"`},
		{`{"inner":{"nope":1}}`, `unknown field "inner.nope"`},
		{`{"inners":[{"note":"a"},{"note":5}]}`, `field "inners[1].note": expected a string`},
		{`{"name_text":5}`, `field "name_text": expected a string`},
		{`{"nameText":{"a":[1,2]}}`, `field "nameText": expected a string`},
		{`{"count":"seven"}`, `field "count": expected an integer`},
		{`{"count":1.5}`, `field "count": expected an integer`},
		{`{"count":3000000000}`, `field "count": expected an integer from -2^31 to 2^31-1`},
		{`{"count":"-3e9"}`, `field "count": expected an integer from -2^31 to 2^31-1`},
		{`{"big":-1}`, `field "big": expected an integer from 0 to 2^64-1`},
		{`{"ratio":"lots"}`, `field "ratio": expected a number`},
		{`{"ratio":true}`, `field "ratio": expected a number`},
		{`{"flag":"yes"}`, `field "flag": expected true or false`},
		{`{"blob":"***"}`, `field "blob": expected a base64 string`},
		{`{"color":"COLOR_BLUE"}`, `field "color": unknown value "COLOR_BLUE"`},
		{`{"color":true}`, `field "color": expected a string`},
		{`{"inner":"x"}`, `field "inner": expected an object`},
		{`{"tags":"a"}`, `field "tags": expected an array`},
		{`{"tags":["a",1]}`, `field "tags[1]": expected a string`},
		{`{"labels":[]}`, `field "labels": expected an object`},
		{`{"labels":{"k":"v"}}`, `field "labels.k": expected an integer`},
		{`{"nameText":"a","name_text":"b"}`, `field "name_text" is given twice (also as "nameText")`},
		{`{"nameText":"a","name_text":null}`, `field "name_text" is given twice (also as "nameText")`},
		{`{"by_email":"a","byPhone":"b"}`, `fields "by_email" and "byPhone" exclude each other`},
		{`{"name_text":`, `request body is not valid JSON: it ends early`},
		{`{"name_text":"a",}`, `request body is not valid JSON: invalid character '}'`},
		{`{name_text:"a"}`, `request body is not valid JSON`},
		{`name_text=a`, `request body is not valid JSON`},
		{`[]`, `request body must be a JSON object`},
		{`"x"`, `request body must be a JSON object`},
		{`null`, `request body must be a JSON object`},
		{`{}{}`, `request body has more after its JSON object`},
		{"{\"name_text\":\"\xff\"}", `request body is not valid UTF-8`},
		{`{"at":"yesterday"}`, `request body does not match this request's fields`},
	}
	for _, c := range bad {
		m := dynamicpb.NewMessage(md)
		perr := protojson.Unmarshal([]byte(c.body), dynamicpb.NewMessage(md))
		if perr == nil {
			t.Errorf("%s: protojson accepts it; the case tests nothing", c.body)
			continue
		}
		err := UnmarshalJSON([]byte(c.body), m, false)
		var be *BodyError
		if !errors.As(err, &be) {
			t.Errorf("%s: %T %v, want a *BodyError", c.body, err, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.body, err, c.want)
		}
		assertClean(t, c.body, err.Error())
	}
	// Connect's convention: unknown fields are dropped, the rest still explained.
	m := dynamicpb.NewMessage(md)
	if err := UnmarshalJSON([]byte(`{"amout":{"x":[1,{"y":2}]},"name_text":"a"}`), m, true); err != nil {
		t.Errorf("discarding unknown fields: %v", err)
	}
	if err := UnmarshalJSON([]byte(`{"amout":[1],"count":"x"}`), m, true); err == nil || err.Error() != `field "count": expected an integer` {
		t.Errorf("discarding unknown fields, bad count: %v", err)
	}
}

func assertClean(t *testing.T, body, msg string) {
	t.Helper()
	for _, leak := range []string{"proto:", "(line", "line 1", "column", "offset", "unmarshal", "*partnerv1", "dynamicpb", "sink."} {
		if strings.Contains(msg, leak) {
			t.Errorf("%s: message %q leaks %q", body, msg, leak)
		}
	}
}

// TestUnmarshalJSONSessionRequest: the REST request the partners send most.
func TestUnmarshalJSONSessionRequest(t *testing.T) {
	var req partnerv1.CreateSessionRequest
	err := UnmarshalJSON([]byte(`{"partner_user_id":"u","user_email":"a@b.c","currency":"BTC","fiat_currency":"EUR","amout":"1"}`), &req, false)
	if err == nil || err.Error() != `unknown field "amout"` {
		t.Errorf("unknown field: %v", err)
	}
	err = UnmarshalJSON([]byte(`{"partner_user_id":"u","amount":5}`), &req, false)
	if err == nil || err.Error() != `field "amount": expected a string` {
		t.Errorf("wrong type: %v", err)
	}
	if err := UnmarshalJSON([]byte(`{"partner_user_id":"u","fiatAmount":"5"}`), &req, false); err != nil || req.GetFiatAmount() != "5" {
		t.Errorf("good body: %v %v", err, &req)
	}
}
