package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// BodyError is a JSON request body that does not fit its message, said the way a partner
// thinks of it: protojson's own errors describe the parser ("proto: (line 1:24): …").
type BodyError struct {
	Field  string // as the client spelled it, dotted for nested fields; "" for the body
	Reason string
}

func (e *BodyError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return fmt.Sprintf("field %q: %s", e.Field, e.Reason)
}

// UnmarshalJSON fills m from data with protojson's rules and, when protojson refuses the
// body, returns a *BodyError naming the first problem. With discardUnknown, fields the
// message does not have are ignored (Connect's convention) instead of refused (REST's).
func UnmarshalJSON(data []byte, m proto.Message, discardUnknown bool) error {
	err := protojson.UnmarshalOptions{DiscardUnknown: discardUnknown}.Unmarshal(data, m)
	if err == nil {
		return nil
	}
	// protojson leaves m partly filled; nobody reads it after an error, but be tidy.
	proto.Reset(m)
	return explain(data, m.ProtoReflect().Descriptor(), discardUnknown)
}

// explain finds why protojson refused data. It always returns an error: when it cannot
// tell (a case it does not model), the error says so without any parser text.
func explain(data []byte, md protoreflect.MessageDescriptor, discardUnknown bool) *BodyError {
	if !utf8.Valid(data) {
		return &BodyError{Reason: "request body is not valid UTF-8"}
	}
	w := walker{dec: json.NewDecoder(bytes.NewReader(data)), discard: discardUnknown}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return &BodyError{Reason: "request body must be a JSON object"}
	}
	if e := w.object(md, ""); e != nil {
		return e
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return &BodyError{Reason: "request body has more after its JSON object"}
	}
	return &BodyError{Reason: "request body does not match this request's fields"}
}

func syntaxError(err error) *BodyError {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &BodyError{Reason: "request body is not valid JSON: " + se.Error()}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &BodyError{Reason: "request body is not valid JSON: it ends early"}
	}
	return &BodyError{Reason: "request body is not valid JSON"}
}

// walker reads a JSON value token by token alongside the message descriptor.
type walker struct {
	dec     *json.Decoder
	discard bool
}

// object checks the members of an object whose '{' was read, up to its '}'.
func (w *walker) object(md protoreflect.MessageDescriptor, prefix string) *BodyError {
	seen := map[protoreflect.FieldNumber]string{}
	oneofs := map[protoreflect.FullName]string{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		key, _ := tok.(string)
		name := prefix + key
		// protojson's lookup: the JSON name first, then the proto name.
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByTextName(key)
		}
		if fd == nil {
			if !w.discard {
				return &BodyError{Reason: fmt.Sprintf("unknown field %q", name)}
			}
			if e := w.skip(); e != nil {
				return e
			}
			continue
		}
		// In protojson's order: a repeated name is refused even when null, then null is
		// "unset", then a second member of a oneof is refused.
		if first, dup := seen[fd.Number()]; dup {
			return &BodyError{Reason: fmt.Sprintf("field %q is given twice (also as %q)", name, first)}
		}
		seen[fd.Number()] = name
		tok, err = w.dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		if tok == nil {
			continue
		}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if other, set := oneofs[od.FullName()]; set {
				return &BodyError{Reason: fmt.Sprintf("fields %q and %q exclude each other", other, name)}
			}
			oneofs[od.FullName()] = name
		}
		if e := w.field(fd, name, tok); e != nil {
			return e
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing '}'
		return syntaxError(err)
	}
	return nil
}

// field checks one member's value, a list, a map or one value, whose first token is tok.
func (w *walker) field(fd protoreflect.FieldDescriptor, name string, tok json.Token) *BodyError {
	switch {
	case fd.IsList():
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return w.wrong(name, "expected an array", tok)
		}
		for i := 0; w.dec.More(); i++ {
			v, err := w.dec.Token()
			if err != nil {
				return syntaxError(err)
			}
			if e := w.value(fd, fmt.Sprintf("%s[%d]", name, i), v); e != nil {
				return e
			}
		}
	case fd.IsMap():
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return w.wrong(name, "expected an object", tok)
		}
		for w.dec.More() {
			k, err := w.dec.Token()
			if err != nil {
				return syntaxError(err)
			}
			v, err := w.dec.Token()
			if err != nil {
				return syntaxError(err)
			}
			ks, _ := k.(string)
			if e := w.value(fd.MapValue(), name+"."+ks, v); e != nil {
				return e
			}
		}
	default:
		return w.value(fd, name, tok)
	}
	if _, err := w.dec.Token(); err != nil { // the closing ']' or '}'
		return syntaxError(err)
	}
	return nil
}

// value checks one value (tok is its first token) against a field's kind.
func (w *walker) value(fd protoreflect.FieldDescriptor, name string, tok json.Token) *BodyError {
	s, isString := tok.(string)
	n, isNumber := tok.(json.Number)
	switch fd.Kind() {
	case protoreflect.StringKind:
		if !isString {
			return w.wrong(name, "expected a string", tok)
		}
	case protoreflect.BytesKind:
		if !isString {
			return w.wrong(name, "expected a base64 string", tok)
		}
		if !isBase64(s) {
			return &BodyError{Field: name, Reason: "expected a base64 string"}
		}
	case protoreflect.BoolKind:
		if _, ok := tok.(bool); !ok {
			return w.wrong(name, "expected true or false", tok)
		}
	case protoreflect.EnumKind:
		switch {
		case isString:
			if fd.Enum().Values().ByName(protoreflect.Name(s)) == nil {
				return &BodyError{Field: name, Reason: fmt.Sprintf("unknown value %q", s)}
			}
		case isNumber:
			if intProblem(string(n), 32, false) != "" {
				return &BodyError{Field: name, Reason: "expected a value name"}
			}
		default:
			return w.wrong(name, "expected a string", tok)
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if strings.HasPrefix(string(fd.Message().FullName()), "google.protobuf.") {
			// Well-known types have JSON forms of their own; leave them to protojson.
			return w.skipFrom(tok)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return w.wrong(name, "expected an object", tok)
		}
		return w.object(fd.Message(), name+".")
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		text := string(n)
		if isString {
			text = s
		} else if !isNumber {
			return w.wrong(name, "expected a number", tok)
		}
		if _, err := strconv.ParseFloat(text, 64); err != nil && text != "Infinity" && text != "-Infinity" {
			return &BodyError{Field: name, Reason: "expected a number"}
		}
	default: // the integer kinds
		text := string(n)
		if isString {
			text = s
		} else if !isNumber {
			return w.wrong(name, "expected an integer", tok)
		}
		bits, unsigned := intKind(fd.Kind())
		if p := intProblem(text, bits, unsigned); p != "" {
			return &BodyError{Field: name, Reason: p}
		}
	}
	return nil
}

// wrong reports a value of the wrong JSON type, after reading past it.
func (w *walker) wrong(name, want string, tok json.Token) *BodyError {
	if e := w.skipFrom(tok); e != nil {
		return e
	}
	return &BodyError{Field: name, Reason: want}
}

// skip reads past the next value.
func (w *walker) skip() *BodyError {
	tok, err := w.dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	return w.skipFrom(tok)
}

// skipFrom reads past the rest of a value whose first token was tok.
func (w *walker) skipFrom(tok json.Token) *BodyError {
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := w.dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}
