package jsonval

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Parse agrees with encoding/json on valid documents and refuses invalid ones.
func TestParseLikeEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`{"code":"failed_precondition","message":"a \"quoted\" \\ \/ \u00e9 \ud83d\ude00 \n","details":[{"type":"rampart.kyc.v1.ErrorDetail","value":"CgU="}]}`,
		`[{"paths":["a.bin"],"weights":[{"name":"conv/w","shape":[3,3,3,16],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.0039,"min":-0.5}}]}]`,
		` [1, -2.5e3, 0.0, true, false, null, {}, [], ""] `, `"x"`, `-0`, `1E+2`,
	} {
		got, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("Parse(%s): %v", doc, err)
		}
		var want any
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%s) = %#v, want %#v", doc, got, want)
		}
	}
	for _, bad := range []string{``, `{`, `[1,]`, `{"a"}`, `{"a":1,}`, `01`, `1.`, `.5`, `-`, `"\x"`, `"a`, "\"\x01\"", `tru`, `nul`, `1 2`,
		`{"a":1}x`, strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2)} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
