package rest

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// The scalar forms protojson reads, for explaining the ones it refused.

func intKind(k protoreflect.Kind) (bits int, unsigned bool) {
	switch k {
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return 32, true
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return 64, true
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return 64, false
	}
	return 32, false
}

// intProblem says why text is not what protojson accepts for an integer field (digits,
// or a number in exponent form whose value is whole, within the field's range), or "".
func intProblem(text string, bits int, unsigned bool) string {
	if unsigned {
		if _, err := strconv.ParseUint(text, 10, bits); err == nil {
			return ""
		}
	} else if _, err := strconv.ParseInt(text, 10, bits); err == nil {
		return ""
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) {
		return "expected an integer"
	}
	lo, hi := -math.Pow(2, float64(bits-1)), math.Pow(2, float64(bits-1))
	if unsigned {
		lo, hi = 0, math.Pow(2, float64(bits))
	}
	if f < lo || f >= hi {
		if unsigned {
			return fmt.Sprintf("expected an integer from 0 to 2^%d-1", bits)
		}
		return fmt.Sprintf("expected an integer from -2^%d to 2^%d-1", bits-1, bits-1)
	}
	return ""
}

// isBase64 accepts the four encodings protojson reads: standard or URL alphabet, padded
// or not.
func isBase64(s string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(s); err == nil {
			return true
		}
	}
	return false
}
